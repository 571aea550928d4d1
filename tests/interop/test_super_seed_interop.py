"""Our --super-seed seed (BEP 16: no bitfield, pieces revealed a few at a time with `have`) serves the clients people
run: an aria2c leech and a libtorrent leech, through our tracker, both complete byte-identical. aria2c never sends
`have` to a peer that has the piece, so the seed must also count a piece as delivered once it has sent all of it;
without that, aria2c stalls after its first two pieces."""
import os
import shutil
import signal
import time
import unittest

from swarm_testlib import (SwarmTestCase, free_port, log_text, make_torrent, same_file, start_aria2c_leech,
                           start_tracker, wait_exit, wait_for_log, write_random_file)

MiB = 1024 * 1024
SIZE = 3 * MiB + 4321
ARIA2 = shutil.which("aria2c")
LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")


@unittest.skipUnless(ARIA2, "aria2c not installed")
class SuperSeedInterop(SwarmTestCase):
    def test_aria2c_and_libtorrent_download_from_a_super_seed(self):
        announce = start_tracker(self.procs, interval=2)
        data = self.path("d", "f.bin")
        write_random_file(data, SIZE, seed=91)
        torrent = self.path("t.torrent")
        make_torrent(data, torrent, 64 * 1024, announce)
        seed, _ = self.start_seed("seed", torrent, data, "--super-seed")
        wait_for_log(seed, r"super-seeding", 15)
        aria, done = start_aria2c_leech(self.procs, ARIA2, torrent, self.path("aria"), self.dir,
                                        "--enable-dht=false")
        lt = self.procs.start("libtorrent", ["/usr/bin/python3", os.path.join(LIB, "libtorrent_swarm_peer.py"),
                                             torrent, self.path("lt"), str(free_port()), "90"])
        deadline = time.monotonic() + 60
        while not os.path.exists(done):
            self.assertIsNone(aria.poll(), log_text(aria)[-3000:])
            self.assertLess(time.monotonic(), deadline, "aria2c did not complete:\n" + log_text(seed)[-3000:])
            time.sleep(0.1)
        wait_for_log(lt, r"libtorrent complete", 60)
        self.assertTrue(same_file(data, self.path("aria", "f.bin")), "aria2c's copy differs")
        self.assertTrue(same_file(data, self.path("lt", "f.bin")), "libtorrent's copy differs")
        for p in (lt, seed, aria):
            p.send_signal(signal.SIGTERM)
        self.assertEqual(wait_exit(seed, 20), 0, log_text(seed)[-3000:])
        wait_exit(lt, 20)
        wait_exit(aria, 20)


if __name__ == "__main__":
    unittest.main()
