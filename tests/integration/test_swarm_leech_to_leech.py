"""Multi-direction transfer: one rate-limited seed and four leeches through our tracker. The leeches listen,
announce their ports and serve what they have verified, so the seed uploads fewer than the four copies the
leeches need; every leech completes byte-identical and its counters (stats line at exit) show what it uploaded."""
import signal
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, last_stats, log_text, make_torrent, same_file,
                           start_tracker, wait_exit, wait_for_log, write_random_file)

MiB = 1024 * 1024


class LeechToLeech(SwarmTestCase):
    def test_four_leeches_trade_pieces_while_a_slow_seed_serves_them(self):
        size = 8 * MiB
        announce = start_tracker(self.procs, interval=2)
        write_random_file(self.path("d", "f.bin"), size, seed=31)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024, announce)
        # 1 MB/s for the whole torrent: the seed alone would need 30+ s; the leeches meet and trade long before.
        seed, _ = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"), "--max-upload-rate", "1000000")
        leeches = [self.procs.start("leech%d" % i, [
            bin_path("leech"), self.path("t.torrent"), "-o", self.path("out%d" % i), "--host", "127.0.0.1",
            "--port", str(free_port()), "--timeout", "60", "--seed"]) for i in range(4)]
        for p in leeches:
            wait_for_log(p, r"complete: %d bytes verified" % size, 120)
        seed.send_signal(signal.SIGTERM)
        self.assertEqual(wait_exit(seed, 15), 0, log_text(seed))
        seed_up = last_stats(seed)[1]
        uploads = []
        for i, p in enumerate(leeches):
            p.send_signal(signal.SIGTERM)
            self.assertEqual(wait_exit(p, 15), 0, log_text(p))
            self.assertTrue(same_file(self.path("d", "f.bin"), self.path("out%d" % i, "f.bin")))
            self.assertIn("stats at exit", log_text(p))
            stats = last_stats(p)
            self.assertGreaterEqual(stats[0], size)  # downloaded at least one copy (duplicates allowed)
            uploads.append(stats[1])
        self.assertLess(seed_up, 4 * size, "the seed sent every copy itself: nothing went leech to leech")
        self.assertGreater(sum(uploads), 0, uploads)
        # Every byte the seed did not send came from a leech.
        self.assertGreaterEqual(sum(uploads) + seed_up, 4 * size, (seed_up, uploads))


if __name__ == "__main__":
    unittest.main()
