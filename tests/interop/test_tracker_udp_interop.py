"""The UDP tracker (BEP 15) with the clients people run: a torrent whose only tracker is
udp:// on our tracker; our seed announces over UDP, and an aria2c leech and a libtorrent
leech find it through the tracker alone and complete byte-identical copies. (Our announce
client against opentracker over UDP is tests/interop/test_announce_opentracker.py.)"""
import json
import os
import shutil
import signal
import time
import unittest

from swarm_testlib import (SwarmTestCase, free_port, log_text, make_torrent, same_file, start_aria2c_leech,
                           start_tracker, wait_exit, wait_for_log, write_random_file)
from tracker_testlib import http_get

MiB = 1024 * 1024
SIZE = 3 * MiB + 777
ARIA2 = shutil.which("aria2c")
LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")


@unittest.skipUnless(ARIA2, "aria2c not installed")
class UdpTrackerInterop(SwarmTestCase):
    def test_aria2c_and_libtorrent_find_our_seed_over_udp_only(self):
        http_url = start_tracker(self.procs, interval=2)
        port = int(http_url.rsplit(":", 1)[1].split("/")[0])
        announce = f"udp://127.0.0.1:{port}/announce"
        data = self.path("d", "f.bin")
        write_random_file(data, SIZE, seed=15)
        torrent = self.path("t.torrent")
        make_torrent(data, torrent, 64 * 1024, announce)
        seed, _ = self.start_seed("seed", torrent, data)

        def stats():
            return json.loads(http_get("127.0.0.1", port, "/stats")[2])

        deadline = time.monotonic() + 30
        while stats()["udp_announces"] < 1:
            self.assertLess(time.monotonic(), deadline, "our seed never announced over UDP:\n" + log_text(seed)[-3000:])
            time.sleep(0.1)

        # aria2c talks to UDP trackers through its DHT socket ("udp is not supported yet"
        # without it): DHT on, with a fresh node file, so it knows no node to reach.
        aria, done = start_aria2c_leech(self.procs, ARIA2, torrent, self.path("aria"), self.dir,
                                        "--enable-dht=true", "--dht-listen-port=%d" % free_port(),
                                        "--dht-file-path=" + self.path("dht.dat"))
        lt = self.procs.start("libtorrent", ["/usr/bin/python3", os.path.join(LIB, "libtorrent_swarm_peer.py"),
                                             torrent, self.path("lt"), str(free_port()), "90"])
        deadline = time.monotonic() + 90
        while not os.path.exists(done):
            self.assertIsNone(aria.poll(), log_text(aria)[-3000:])
            self.assertLess(time.monotonic(), deadline, "aria2c did not complete:\n" + log_text(aria)[-3000:])
            time.sleep(0.1)
        wait_for_log(lt, r"libtorrent complete", 90)
        self.assertTrue(same_file(data, self.path("aria", "f.bin")), "aria2c's copy differs")
        self.assertTrue(same_file(data, self.path("lt", "f.bin")), "libtorrent's copy differs")
        s = stats()
        # Seed, aria2c and libtorrent each connected and announced over UDP; nothing used HTTP.
        self.assertGreaterEqual(s["udp_connects"], 3, s)
        self.assertGreaterEqual(s["udp_announces"], 3, s)
        self.assertEqual(s["announces"], s["udp_announces"], s)
        for p in (lt, seed, aria):
            p.send_signal(signal.SIGTERM)
        self.assertEqual(wait_exit(seed, 20), 0, log_text(seed)[-3000:])
        wait_exit(lt, 20)
        wait_exit(aria, 20)


if __name__ == "__main__":
    unittest.main()
