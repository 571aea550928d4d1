"""A tracker's refusal ("info_hash not in whitelist") is shown at once with its reason, and a leech with no other
tracker and no peer ends right away (exit 1, the reason in its final error) instead of waiting out --timeout; with
--peer it downloads anyway. Fatal errors are printed once."""
import os
import re
import time
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_tree, wait_exit,
                           wait_port, write_random_file)

REASON = "info_hash not in whitelist"


class TrackerRefusal(SwarmTestCase):
    def start_whitelisting_tracker(self):
        """Our tracker with a whitelist that holds some other torrent only."""
        with open(self.path("whitelist"), "w") as f:
            f.write("0123456789abcdef0123456789abcdef01234567\n")
        port = free_port()
        self.procs.start("tracker", [bin_path("tracker"), "--host", "127.0.0.1", "--port", str(port),
                                     "--whitelist", self.path("whitelist")])
        wait_port(port)
        return "http://127.0.0.1:%d/announce" % port

    def leech(self, name, torrent, *extra):
        return self.procs.start(name, [bin_path("leech"), torrent, "-o", self.path("out"), "--host", "127.0.0.1",
                                       "--port", str(free_port()), "--timeout", "60", *extra])

    def test_refused_leech_ends_at_once_with_the_reason(self):
        announce = self.start_whitelisting_tracker()
        write_random_file(self.path("d", "f.bin"), 1024 * 1024, seed=71)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024, announce)
        started = time.monotonic()
        leech = self.leech("leech", self.path("t.torrent"))
        code = wait_exit(leech, 30)  # today's main waits out the whole --timeout 60
        took = time.monotonic() - started
        log = log_text(leech)
        self.assertEqual(code, 1, log)
        self.assertLess(took, 15, "took %.1f s:\n%s" % (took, log))
        self.assertRegex(log, r"(warning|error).*refused the torrent: %s" % REASON)
        errors = [l for l in log.splitlines() if " error " in l]
        self.assertEqual(len(errors), 1, "one final error, printed once:\n" + log)
        self.assertIn(REASON, errors[0])

    def test_refused_leech_with_a_peer_still_downloads(self):
        announce = self.start_whitelisting_tracker()
        write_random_file(self.path("d", "f.bin"), 1024 * 1024, seed=72)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024, announce)
        _, port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"))
        leech = self.leech("leech", self.path("t.torrent"), "--peer", "127.0.0.1:%d" % port)
        self.assertEqual(wait_exit(leech, 60), 0, log_text(leech))
        self.assertTrue(same_tree(self.path("d", "f.bin"), self.path("out", "f.bin")))
        self.assertIn("refused the torrent: " + REASON, log_text(leech))

    def test_timeout_error_is_printed_once(self):
        write_random_file(self.path("d", "f.bin"), 256 * 1024, seed=73)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"),
                                           "--host", "127.0.0.1", "--port", str(free_port()), "--timeout", "2"])
        self.assertEqual(wait_exit(leech, 30), 1, log_text(leech))
        log = log_text(leech)
        self.assertEqual(log.count("no peers to download from within --timeout 2 s"), 1, log)

    def test_missing_seed_data_error_is_printed_once(self):
        write_random_file(self.path("d", "f.bin"), 256 * 1024, seed=74)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        seed = self.procs.start("seed", [bin_path("seed"), self.path("t.torrent"), "--data",
                                         self.path("nowhere", "f.bin"), "--host", "127.0.0.1",
                                         "--port", str(free_port())])
        self.assertEqual(wait_exit(seed, 30), 1, log_text(seed))
        log = log_text(seed)
        self.assertEqual(log.count(self.path("nowhere", "f.bin")), 1, log)


if __name__ == "__main__":
    unittest.main()
