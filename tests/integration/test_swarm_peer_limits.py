"""Connection limits: a seed serving two torrents with --max-peers-total 1 takes one leech at a time (the other is
refused, says so at debug level, and gets in once the first has left), and --max-peers 1 on a seed does the same
for one torrent. Both leeches still complete byte-identical."""
import os
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file, wait_exit,
                           wait_for_log, wait_port, write_random_file)

MiB = 1024 * 1024


class PeerLimits(SwarmTestCase):
    def test_process_wide_limit_serves_one_leech_at_a_time(self):
        names = ("a.bin", "b.bin")
        for i, name in enumerate(names):
            write_random_file(self.path("d", name), 2 * MiB, seed=61 + i)
            make_torrent(self.path("d", name), self.path(name + ".torrent"), 64 * 1024)
        self.check_one_at_a_time([self.path(n + ".torrent") for n in names], ["--max-peers-total", "1"], names,
                                 "--max-peers-total connections open")

    def test_per_torrent_limit_on_a_seed(self):
        write_random_file(self.path("d", "f.bin"), 2 * MiB, seed=63)
        make_torrent(self.path("d", "f.bin"), self.path("f.torrent"), 64 * 1024)
        self.check_one_at_a_time([self.path("f.torrent")] * 2, ["--max-peers", "1"], ["f.bin"] * 2,
                                 "--max-peers connections open")

    def check_one_at_a_time(self, torrents, limit, names, refusal):
        port = free_port()
        # 2 MB/s: each download takes about a second, long enough for the second leech to be turned away.
        seed = self.procs.start("seed", [bin_path("seed"), *sorted(set(torrents)), "--host", "127.0.0.1", "--port",
                                         str(port), "--max-upload-rate", "2000000", "--log-level", "debug", *limit],
                                cwd=self.path("d"))
        wait_port(port, 30)
        leeches = []
        for i, t in enumerate(torrents):
            leeches.append(self.procs.start("leech%d" % i, [
                bin_path("leech"), t, "-o", self.path("out%d" % i), "--port", str(free_port()), "--timeout", "30",
                "--peer", "127.0.0.1:%d" % port]))
            if i == 0:
                wait_for_log(seed, r"peer 127\.0\.0\.1:\d+ \(-SH0100-\) connected", 15)
        for i, p in enumerate(leeches):
            self.assertEqual(wait_exit(p, 60), 0, log_text(p))
            self.assertTrue(same_file(self.path("d", names[i]), self.path("out%d" % i, names[i])))
        text = log_text(seed)
        self.assertIn(refusal, text)
        # Never two leeches at once: every "connected" line is followed by that peer's "gone" before the next.
        events = [line for line in text.splitlines() if ") connected (" in line or ") gone:" in line]
        open_now = 0
        for line in events:
            open_now += 1 if ") connected (" in line else -1
            self.assertLessEqual(open_now, 1, "\n".join(events))
        self.assertEqual(sum(1 for line in events if ") connected (" in line), 2, "\n".join(events))


if __name__ == "__main__":
    unittest.main()
