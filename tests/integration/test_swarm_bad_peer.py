"""Bad peers: a peer sending wrong data next to an honest seed is banned by IP; the leech completes byte-identical."""
import os
import re
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file, wait_exit, wait_for_log,
                           write_random_file)

MiB = 1024 * 1024
LYING_PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "lying_peer.py")


class BadPeer(SwarmTestCase):
    def start_liar(self, torrent, host):
        liar = self.procs.start("liar", ["/usr/bin/python3", LYING_PEER, "--torrent", torrent, "--host", host])
        return int(wait_for_log(liar, r"listening %s:(\d+)" % re.escape(host), 30).group(1))

    def test_liar_is_banned_and_the_leech_completes_from_the_honest_seed(self):
        write_random_file(self.path("d", "f.bin"), 4 * MiB, seed=21)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        # A slow honest seed: the liar (which answers at once) gets a real share of the requests.
        _, seed_port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"),
                                       "--max-upload-rate", "1000000")
        liar_port = self.start_liar(self.path("t.torrent"), "127.0.0.2")
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"),
                                           "--host", "127.0.0.1", "--port", str(free_port()), "--timeout", "60",
                                           "--peer", "127.0.0.2:%d" % liar_port, "--peer", "127.0.0.1:%d" % seed_port])
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        text = log_text(leech)
        self.assertTrue(same_file(self.path("d", "f.bin"), self.path("out", "f.bin")))
        self.assertIn("banned peer 127.0.0.2", text)
        self.assertNotIn("banned peer 127.0.0.1", text)  # the honest seed shared pieces with the liar, yet stays
        summary = re.search(r"(\d+) hash failures, (\d+) peers banned", text)
        self.assertIsNotNone(summary, text)
        self.assertGreater(int(summary.group(1)), 0)
        self.assertEqual(int(summary.group(2)), 1)

    def test_liar_alone_is_banned_and_the_leech_fails_clearly(self):
        write_random_file(self.path("d", "f.bin"), 256 * 1024, seed=22)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 32 * 1024)
        liar_port = self.start_liar(self.path("t.torrent"), "127.0.0.1")
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"),
                                           "--port", str(free_port()), "--timeout", "60",
                                           "--peer", "127.0.0.1:%d" % liar_port])
        self.assertNotEqual(wait_exit(leech, 30), 0)  # well before --timeout: nobody is left to ask
        text = log_text(leech)
        self.assertIn("banned peer 127.0.0.1", text)
        self.assertIn("no peers left: 1 banned for sending data that failed the SHA-1 check", text)


if __name__ == "__main__":
    unittest.main()
