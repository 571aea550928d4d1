"""--max-download-rate (per torrent) and --max-download-rate-total (process-wide): a leech limited to 1 MB/s from
an unlimited seed averages within 10 % of the limit."""
import re
import time
import unittest

from swarm_testlib import SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file, wait_exit, write_random_file

MiB = 1024 * 1024
LIMIT = 1000000


class RateLimit(SwarmTestCase):
    def test_download_rate_stays_within_ten_percent_of_the_limit(self):
        self.check_limit("--max-download-rate")

    def test_process_wide_download_rate_stays_within_ten_percent_of_the_limit(self):
        self.check_limit("--max-download-rate-total")

    def check_limit(self, option):
        size = 6 * MiB  # about 6 s at the limit: the initial burst is a small share of it
        write_random_file(self.path("d", "f.bin"), size, seed=41)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        _, port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"))
        started = time.time()
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"),
                                           "--port", str(free_port()), "--timeout", "30", option,
                                           str(LIMIT), "--peer", "127.0.0.1:%d" % port])
        self.assertEqual(wait_exit(leech, 60), 0, log_text(leech))
        wall = time.time() - started
        self.assertTrue(same_file(self.path("d", "f.bin"), self.path("out", "f.bin")))
        m = re.search(r"downloaded \d+ pieces \((\d+) bytes\) in ([\d.]+) s", log_text(leech))
        self.assertIsNotNone(m, log_text(leech))
        rate = int(m.group(1)) / float(m.group(2))
        self.assertLess(abs(rate - LIMIT), LIMIT * 0.1, "measured %.0f B/s (wall %.1f s)" % (rate, wall))


if __name__ == "__main__":
    unittest.main()
