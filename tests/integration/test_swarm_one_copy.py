"""A seed that leaves after uploading one full copy: with --super-seed it reveals each piece to one leech at a
time, so the one copy it sends is spread over four leeches without duplicates; with --seed-ratio 1 it exits by
itself once that copy is out. No leech completes before that moment (the timestamps of the log lines say so), and
all four still complete byte-identical from each other: their upload counters make up the three copies the seed
never sent."""
import datetime
import re
import signal
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, last_stats, log_text, make_torrent, same_file,
                           start_tracker, wait_exit, wait_for_event, wait_resumed, write_random_file)

MiB = 1024 * 1024


def logged_at(text, pattern):
    m = re.search(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*%s" % pattern, text, re.M)
    assert m, "no line matching %r" % pattern
    return datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")


class OneCopy(SwarmTestCase):
    def test_leeches_complete_after_the_seed_left_with_one_copy_uploaded(self):
        size = 6 * MiB
        announce = start_tracker(self.procs, interval=2)
        write_random_file(self.path("d", "f.bin"), size, seed=57)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024, announce)
        leeches = [self.procs.start("leech%d" % i, [
            bin_path("leech"), self.path("t.torrent"), "-o", self.path("out%d" % i), "--host", "127.0.0.1",
            "--port", str(free_port()), "--timeout", "60", "--seed", "--json"]) for i in range(4)]
        for p in leeches:
            self.assertEqual(wait_resumed(p, 30)[0], 0)
        # 2 MB/s: the one copy takes ~3 s, time for all four leeches to meet the seed and each other.
        seed, _ = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"), "--super-seed",
                                  "--seed-ratio", "1", "--max-upload-rate", "2000000")
        self.assertEqual(wait_exit(seed, 60), 0, log_text(seed))
        seed_log = log_text(seed)
        self.assertIn("super-seeding", seed_log)
        left_at = logged_at(seed_log, r"seed ratio 1\.00 reached")
        seed_up = last_stats(seed)[1]
        self.assertGreaterEqual(seed_up, size)
        self.assertLessEqual(seed_up, size + size // 50, "the seed sent pieces twice before the first copy was out")
        for p in leeches:
            self.assertEqual(wait_for_event(p, "completed", 60)["verified_bytes"], size)
            # The last piece nobody else had left the seed just then: nobody can have had everything before.
            self.assertGreaterEqual(logged_at(log_text(p), "complete: "), left_at - datetime.timedelta(milliseconds=50),
                                    p.name)
        uploads = []
        for i, p in enumerate(leeches):
            p.send_signal(signal.SIGTERM)
            self.assertEqual(wait_exit(p, 15), 0, log_text(p))
            self.assertTrue(same_file(self.path("d", "f.bin"), self.path("out%d" % i, "f.bin")), "leech%d" % i)
            uploads.append(last_stats(p)[1])
        self.assertTrue(all(u > 0 for u in uploads), uploads)
        self.assertGreaterEqual(sum(uploads), 3 * size, (seed_up, uploads))


if __name__ == "__main__":
    unittest.main()
