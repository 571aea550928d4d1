"""--seed-ratio: a process leaves once each of its torrents has uploaded RATIO copies, not before. A leech with
two torrents and --seed-ratio 1 completes both, serves a copy of the first to one peer, and is still there to serve
the second; it exits 0 by itself once the second copy is out too."""
import time
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file, wait_exit,
                           wait_for_log, write_random_file)

MiB = 1024 * 1024


class SeedRatio(SwarmTestCase):
    def test_each_torrent_serves_its_ratio_before_the_process_leaves(self):
        names = ("a.bin", "b.bin")
        torrents = []
        for i, name in enumerate(names):
            write_random_file(self.path("d", name), 2 * MiB, seed=81 + i)
            make_torrent(self.path("d", name), self.path(name + ".torrent"), 64 * 1024)
            torrents.append(self.path(name + ".torrent"))
        seed_a, seed_port = self.start_seed("seed-a", torrents[0], self.path("d", names[0]))
        seed_b, seed_b_port = self.start_seed("seed-b", torrents[1], self.path("d", names[1]))
        middle_port = free_port()
        middle = self.procs.start("middle", [
            bin_path("leech"), *torrents, "-o", self.path("middle"), "--host", "127.0.0.1", "--port",
            str(middle_port), "--seed-ratio", "1", "--timeout", "30", "--peer", "127.0.0.1:%d" % seed_port,
            "--peer", "127.0.0.1:%d" % seed_b_port])
        for name in names:
            wait_for_log(middle, r"%s: complete: " % name, 30)
        for p in (seed_a, seed_b):  # from now on only the middle leech has the data
            p.kill()
            p.wait(timeout=10)

        def fetch(i):
            p = self.procs.start("fetch%d" % i, [
                bin_path("leech"), torrents[i], "-o", self.path("fetch%d" % i), "--port", str(free_port()),
                "--timeout", "30", "--peer", "127.0.0.1:%d" % middle_port])
            self.assertEqual(wait_exit(p, 30), 0, log_text(p))
            self.assertTrue(same_file(self.path("d", names[i]), self.path("fetch%d" % i, names[i])))

        fetch(0)
        wait_for_log(middle, r"a\.bin: seed ratio 1\.00 reached", 15)
        time.sleep(2.5)  # a.bin leaves 1 s after its ratio line (the drain): the process must not go with it
        self.assertIsNone(middle.poll(), "left with b.bin still short of its ratio:\n" + log_text(middle))
        fetch(1)
        self.assertEqual(wait_exit(middle, 15), 0, log_text(middle))
        self.assertRegex(log_text(middle), r"b\.bin: seed ratio 1\.00 reached")


if __name__ == "__main__":
    unittest.main()
