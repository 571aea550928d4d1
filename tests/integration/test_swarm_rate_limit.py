"""Rate limits on token buckets, measured from outside: --max-download-rate (per torrent) and
--max-download-rate-total (process-wide): a leech limited to 1 MB/s from an unlimited seed averages within 10 % of
the limit; --max-upload-rate: an unlimited leech from a seed limited to 1 MB/s, the same; --max-upload-rate-total:
one seed process serving two torrents to two leeches at once sends 1 MB/s in all, within 10 %."""
import os
import re
import time
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file, wait_exit, wait_port,
                           write_random_file)

MiB = 1024 * 1024
LIMIT = 1000000


class RateLimit(SwarmTestCase):
    def test_download_rate_stays_within_ten_percent_of_the_limit(self):
        self.check_limit("--max-download-rate")

    def test_process_wide_download_rate_stays_within_ten_percent_of_the_limit(self):
        self.check_limit("--max-download-rate-total")

    def test_upload_rate_stays_within_ten_percent_of_the_limit(self):
        self.check_limit("--max-upload-rate", limit_on_seed=True)

    def test_process_wide_upload_rate_covers_every_torrent(self):
        size = 4 * MiB
        torrents = []
        for name in ("a.bin", "b.bin"):
            write_random_file(self.path("d", name), size, seed=len(torrents) + 43)
            make_torrent(self.path("d", name), self.path(name + ".torrent"), 64 * 1024)
            torrents.append(self.path(name + ".torrent"))
        port = free_port()
        self.procs.start("seed", [bin_path("seed"), *torrents, "--host", "127.0.0.1", "--port", str(port),
                                  "--max-upload-rate-total", str(LIMIT)], cwd=self.path("d"))
        wait_port(port, 30)
        started = time.time()
        leeches = [self.procs.start("leech-" + os.path.basename(t), [
            bin_path("leech"), t, "-o", self.path("out"), "--port", str(free_port()), "--timeout", "30",
            "--peer", "127.0.0.1:%d" % port]) for t in torrents]
        for p in leeches:
            self.assertEqual(wait_exit(p, 60), 0, log_text(p))
        rate = 2 * size / (time.time() - started)
        for name in ("a.bin", "b.bin"):
            self.assertTrue(same_file(self.path("d", name), self.path("out", name)))
        # The wall clock includes start-up and the first burst: a few % at most over ~8 s.
        self.assertLess(abs(rate - LIMIT), LIMIT * 0.1, "measured %.0f B/s over both torrents" % rate)

    def check_limit(self, option, limit_on_seed=False):
        size = 6 * MiB  # about 6 s at the limit: the initial burst is a small share of it
        write_random_file(self.path("d", "f.bin"), size, seed=41)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        seed_limit = [option, str(LIMIT)] if limit_on_seed else []
        leech_limit = [] if limit_on_seed else [option, str(LIMIT)]
        _, port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"), *seed_limit)
        started = time.time()
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"),
                                           "--port", str(free_port()), "--timeout", "30", *leech_limit,
                                           "--peer", "127.0.0.1:%d" % port])
        self.assertEqual(wait_exit(leech, 60), 0, log_text(leech))
        wall = time.time() - started
        self.assertTrue(same_file(self.path("d", "f.bin"), self.path("out", "f.bin")))
        m = re.search(r"downloaded \d+ pieces \((\d+) bytes\) in ([\d.]+) s", log_text(leech))
        self.assertIsNotNone(m, log_text(leech))
        rate = int(m.group(1)) / float(m.group(2))
        self.assertLess(abs(rate - LIMIT), LIMIT * 0.1, "measured %.0f B/s (wall %.1f s)" % (rate, wall))


if __name__ == "__main__":
    unittest.main()
