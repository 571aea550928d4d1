"""Our tracker + our seed + our leech on loopback: whole downloads, byte-identical, through the tracker."""
import os
import re
import signal
import socket
import unittest

from swarm_testlib import (SwarmTestCase, Procs, TempDir, bin_path, free_port, log_text, make_torrent, same_tree, start_tracker,
                           wait_exit, wait_for_log, wait_port, write_random_file)


def leech_cmd(torrents, out, *extra):
    return [bin_path("leech"), *torrents, "-o", out, "--host", "127.0.0.1", "--port", str(free_port()),
            "--timeout", "60", *extra]


class SeedLeech(SwarmTestCase):
    def test_single_file_through_tracker(self):
        announce = start_tracker(self.procs)
        write_random_file(self.path("data", "sample.bin"), 5 * 1024 * 1024 + 12345, seed=1)
        make_torrent(self.path("data", "sample.bin"), self.path("s.torrent"), 64 * 1024, announce)
        seed, _ = self.start_seed("seed", self.path("s.torrent"), self.path("data", "sample.bin"))
        leech = self.procs.start("leech", leech_cmd([self.path("s.torrent")], self.path("out")))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(self.path("data", "sample.bin"), self.path("out", "sample.bin")))
        self.assertRegex(log_text(leech), r"complete: \d+ bytes verified")
        # SIGTERM: the seed announces stopped and exits cleanly.
        seed.send_signal(signal.SIGTERM)
        self.assertEqual(wait_exit(seed, 30), 0, log_text(seed))

    def test_multi_file_through_tracker(self):
        announce = start_tracker(self.procs)
        content = self.path("data", "album")
        write_random_file(os.path.join(content, "a.bin"), 700 * 1024 + 3, seed=2)
        write_random_file(os.path.join(content, "sub", "b.bin"), 1, seed=3)
        write_random_file(os.path.join(content, "sub", "c.bin"), 2 * 1024 * 1024 + 77, seed=4)
        make_torrent(content, self.path("m.torrent"), 32 * 1024, announce)
        self.start_seed("seed", self.path("m.torrent"), content)
        leech = self.procs.start("leech", leech_cmd([self.path("m.torrent")], self.path("out")))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(content, self.path("out", "album")))

    def test_two_torrents_in_one_leech(self):
        announce = start_tracker(self.procs)
        write_random_file(self.path("d1", "one.bin"), 3 * 1024 * 1024, seed=5)
        write_random_file(self.path("d2", "two.bin"), 2 * 1024 * 1024 + 5, seed=6)
        make_torrent(self.path("d1", "one.bin"), self.path("1.torrent"), 64 * 1024, announce)
        make_torrent(self.path("d2", "two.bin"), self.path("2.torrent"), 128 * 1024, announce)
        self.start_seed("seed1", self.path("1.torrent"), self.path("d1", "one.bin"))
        self.start_seed("seed2", self.path("2.torrent"), self.path("d2", "two.bin"))
        leech = self.procs.start("leech", leech_cmd([self.path("1.torrent"), self.path("2.torrent")],
                                                    self.path("out")))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(self.path("d1", "one.bin"), self.path("out", "one.bin")))
        self.assertTrue(same_tree(self.path("d2", "two.bin"), self.path("out", "two.bin")))
        self.assertEqual(len(re.findall(r"complete: \d+ bytes verified", log_text(leech))), 2)

    def test_one_seed_in_one_process_serves_two_torrents_and_direct_peers(self):
        write_random_file(self.path("d", "x.bin"), 1024 * 1024, seed=7)
        write_random_file(self.path("d", "y.bin"), 512 * 1024 + 1, seed=8)
        make_torrent(self.path("d", "x.bin"), self.path("x.torrent"), 32 * 1024)
        make_torrent(self.path("d", "y.bin"), self.path("y.torrent"), 32 * 1024)
        port = free_port()
        self.procs.start("seed", [bin_path("seed"), self.path("x.torrent"), self.path("y.torrent"), "--host",
                                  "127.0.0.1", "--port", str(port)], cwd=self.path("d"))
        wait_port(port, 30)
        leech = self.procs.start("leech", leech_cmd([self.path("x.torrent"), self.path("y.torrent")],
                                                    self.path("out"), "--peer", "127.0.0.1:%d" % port))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(self.path("d", "x.bin"), self.path("out", "x.bin")))
        self.assertTrue(same_tree(self.path("d", "y.bin"), self.path("out", "y.bin")))

    def test_seed_closes_a_handshake_for_another_torrent(self):
        write_random_file(self.path("d", "x.bin"), 64 * 1024, seed=9)
        info_hash = make_torrent(self.path("d", "x.bin"), self.path("x.torrent"), 16 * 1024)
        _, port = self.start_seed("seed", self.path("x.torrent"), self.path("d", "x.bin"))

        def handshake(ih):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"\x13BitTorrent protocol" + bytes(8) + ih + b"-TT0000-123456789012")
            data = b""
            try:
                while len(data) < 68:
                    chunk = s.recv(68 - len(data))
                    if not chunk:
                        break
                    data += chunk
            except ConnectionResetError:
                pass
            s.close()
            return data

        self.assertEqual(handshake(bytes(20)), b"")  # unknown info-hash: closed without an answer
        answer = handshake(bytes.fromhex(info_hash))
        self.assertEqual(len(answer), 68)
        self.assertEqual(answer[28:48], bytes.fromhex(info_hash))


if __name__ == "__main__":
    unittest.main()
