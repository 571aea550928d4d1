"""Peer exchange (BEP 11) on loopback: a slow seed and three leeches, each given only the seed (--peer, no
tracker). The leeches can meet only through the seed's ut_pex messages; they must connect to each other and
trade pieces, so the seed uploads fewer than the three copies the leeches need."""
import re
import signal
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, last_stats, log_text, make_torrent, peer_traffic,
                           same_file, wait_exit, wait_for_log, write_random_file)

MiB = 1024 * 1024


class PeerExchange(SwarmTestCase):
    def test_leeches_given_only_the_seed_find_each_other_by_pex(self):
        size = 6 * MiB
        write_random_file(self.path("d", "f.bin"), size, seed=41)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        # 400 kB/s for the whole torrent: the seed alone would need 45 s for the three copies; the first PEX
        # message goes out within 30 s of each extended handshake.
        seed, seed_port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"),
                                          "--max-upload-rate", "400000", "--log-level", "debug")
        seed_addr = "127.0.0.1:%d" % seed_port
        ports = [free_port() for _ in range(3)]
        leeches = [self.procs.start("leech%d" % i, [
            bin_path("leech"), self.path("t.torrent"), "-o", self.path("out%d" % i), "--host", "127.0.0.1",
            "--port", str(ports[i]), "--peer", seed_addr, "--timeout", "120", "--seed", "--log-level", "debug"])
            for i in range(3)]
        for p in leeches:
            wait_for_log(p, r"complete: %d bytes verified" % size, 180)
        seed.send_signal(signal.SIGTERM)
        self.assertEqual(wait_exit(seed, 15), 0, log_text(seed))
        self.assertRegex(log_text(seed), r"peer exchange to \S+: [1-9]\d* added")
        seed_up = last_stats(seed)[1]
        from_leeches = 0
        for i, p in enumerate(leeches):
            p.send_signal(signal.SIGTERM)
            self.assertEqual(wait_exit(p, 15), 0, log_text(p))
            self.assertTrue(same_file(self.path("d", "f.bin"), self.path("out%d" % i, "f.bin")))
            text = log_text(p)
            self.assertRegex(text, r"peer exchange from %s: [1-9]\d* added" % re.escape(seed_addr))
            # Every connection other than the one to the seed was made through PEX.
            from_leeches += sum(got for addr, _, got, _, _ in peer_traffic(p) if addr != seed_addr)
        self.assertGreater(from_leeches, 0, "no leech received data from another leech")
        self.assertLess(seed_up, 3 * size, "the seed sent every copy itself")


if __name__ == "__main__":
    unittest.main()
