"""Failures on loopback: a seed killed halfway, a leech killed with SIGKILL and restarted, bad data, no peers."""
import re
import signal
import time
import unittest

from swarm_testlib import (SwarmTestCase, Procs, TempDir, bin_path, free_port, log_text, make_torrent, same_tree, start_tracker,
                           wait_exit, wait_port, write_random_file)

MiB = 1024 * 1024


class Failures(SwarmTestCase):
    def leech(self, name, torrent, *extra):
        return self.procs.start(name, [bin_path("leech"), torrent, "-o", self.path("out"), "--host", "127.0.0.1",
                                       "--port", str(free_port()), "--timeout", "60", *extra])

    def test_seed_killed_halfway_leech_completes_from_the_other(self):
        announce = start_tracker(self.procs)
        write_random_file(self.path("d", "big.bin"), 12 * MiB, seed=11)
        make_torrent(self.path("d", "big.bin"), self.path("t.torrent"), 128 * 1024, announce)
        # 1 MB/s per connection: the download takes several seconds, so "halfway" is observable.
        a, _ = self.start_seed("seedA", self.path("t.torrent"), self.path("d", "big.bin"), "--max-upload-rate", "1000000")
        b, _ = self.start_seed("seedB", self.path("t.torrent"), self.path("d", "big.bin"), "--max-upload-rate", "1000000")
        leech = self.leech("leech", self.path("t.torrent"))
        time.sleep(3)
        self.assertIsNone(leech.poll(), "the leech finished before the seed could be killed")
        a.kill()
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(self.path("d", "big.bin"), self.path("out", "big.bin")))
        self.assertIsNone(b.poll())

    def test_leech_killed_and_restarted_fetches_only_what_is_missing(self):
        write_random_file(self.path("d", "big.bin"), 10 * MiB, seed=12)
        make_torrent(self.path("d", "big.bin"), self.path("t.torrent"), 64 * 1024)
        _, port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "big.bin"),
                                  "--max-upload-rate", "2000000")
        peer = "127.0.0.1:%d" % port
        first = self.leech("leech1", self.path("t.torrent"), "--peer", peer)
        time.sleep(2.5)
        self.assertIsNone(first.poll(), "finished too early to be killed halfway")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        second = self.leech("leech2", self.path("t.torrent"), "--peer", peer)
        self.assertEqual(wait_exit(second, 120), 0, log_text(second))
        text = log_text(second)
        resumed = int(re.search(r"resume: (\d+) of (\d+) pieces already verified", text).group(1))
        total = 160
        self.assertGreater(resumed, 0)
        self.assertLess(resumed, total)
        fetched = int(re.search(r"downloaded (\d+) pieces", text).group(1))
        self.assertEqual(fetched, total - resumed)
        self.assertTrue(same_tree(self.path("d", "big.bin"), self.path("out", "big.bin")))

    def test_seed_refuses_missing_file_and_bad_piece(self):
        write_random_file(self.path("d", "f.bin"), 300 * 1024, seed=13)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 32 * 1024)
        missing = self.procs.start("missing", [bin_path("seed"), self.path("t.torrent"), "--data",
                                               self.path("nowhere", "f.bin"), "--port", str(free_port())])
        self.assertNotEqual(wait_exit(missing, 30), 0)
        self.assertIn("missing file", log_text(missing))
        with open(self.path("d", "f.bin"), "r+b") as f:
            f.seek(5 * 32 * 1024 + 10)
            f.write(b"X")
        bad = self.procs.start("bad", [bin_path("seed"), self.path("t.torrent"), "--data", self.path("d", "f.bin"),
                                       "--port", str(free_port())])
        self.assertNotEqual(wait_exit(bad, 30), 0)
        self.assertIn("piece 5 does not match", log_text(bad))

    def test_leech_without_peers_gives_up_after_timeout(self):
        write_random_file(self.path("d", "f.bin"), 100 * 1024, seed=14)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 32 * 1024)
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"),
                                           "--port", str(free_port()), "--peer", "127.0.0.1:%d" % free_port(),
                                           "--timeout", "3"])
        self.assertNotEqual(wait_exit(leech, 30), 0)
        self.assertIn("no peers to download from within --timeout 3 s", log_text(leech))

    def test_leech_output_not_writable(self):
        write_random_file(self.path("d", "f.bin"), 100 * 1024, seed=15)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 32 * 1024)
        with open(self.path("file"), "w") as f:
            f.write("not a folder")
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t.torrent"), "-o", self.path("file", "x"),
                                           "--port", str(free_port()), "--timeout", "3"])
        self.assertNotEqual(wait_exit(leech, 30), 0)
        self.assertIn("file", log_text(leech))
    # A lying peer (alone, or next to an honest seed) is in test_swarm_bad_peer.py: it is banned at its first bad piece.


if __name__ == "__main__":
    unittest.main()
