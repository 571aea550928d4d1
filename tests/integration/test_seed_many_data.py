"""`seed a.torrent b.torrent --data DIR`: DIR holds each torrent's content under its name (the file of a
single-file torrent, the folder of a multi-file one). A torrent whose data is missing is reported and skipped while
the others are served; the seed fails only when it can serve none."""
import os
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_tree, wait_exit,
                           wait_for_log, wait_port, write_random_file)


class SeedManyData(SwarmTestCase):
    def seed_cmd(self, torrents, data, port):
        return [bin_path("seed"), *torrents, "--data", data, "--host", "127.0.0.1", "--port", str(port)]

    def make_content(self):
        lib = self.path("library")
        write_random_file(os.path.join(lib, "single.bin"), 700 * 1024 + 5, seed=101)
        write_random_file(os.path.join(lib, "album", "one.bin"), 300 * 1024, seed=102)
        write_random_file(os.path.join(lib, "album", "sub", "two.bin"), 123457, seed=103)
        make_torrent(os.path.join(lib, "single.bin"), self.path("single.torrent"), 64 * 1024)
        make_torrent(os.path.join(lib, "album"), self.path("album.torrent"), 32 * 1024)
        # A third torrent whose content is not in the library.
        write_random_file(self.path("elsewhere", "gone.bin"), 200 * 1024, seed=104)
        make_torrent(self.path("elsewhere", "gone.bin"), self.path("gone.torrent"), 32 * 1024)
        return lib

    def test_one_folder_serves_several_torrents_and_skips_a_missing_one(self):
        lib = self.make_content()
        port = free_port()
        seed = self.procs.start("seed", self.seed_cmd(
            [self.path("single.torrent"), self.path("gone.torrent"), self.path("album.torrent")], lib, port))
        wait_port(port, 30)
        wait_for_log(seed, r"album: seeding", 30)  # listening comes first, then the torrents are checked
        log = log_text(seed)
        missing = [l for l in log.splitlines() if os.path.join(lib, "gone.bin") in l]
        self.assertEqual(len(missing), 1, log)
        self.assertIn("gone.torrent", missing[0])
        self.assertIn("skipped", missing[0])
        for name, torrent in (("single.bin", "single.torrent"), ("album", "album.torrent")):
            leech = self.procs.start("leech-" + name, [
                bin_path("leech"), self.path(torrent), "-o", self.path("out"), "--host", "127.0.0.1",
                "--port", str(free_port()), "--timeout", "60", "--peer", "127.0.0.1:%d" % port])
            self.assertEqual(wait_exit(leech, 60), 0, log_text(leech))
            self.assertTrue(same_tree(os.path.join(lib, name), self.path("out", name)), name)
        self.assertIsNone(seed.poll(), log_text(seed))

    def test_fails_only_when_no_torrent_can_be_served(self):
        self.make_content()
        empty = self.path("empty")
        os.makedirs(empty)
        seed = self.procs.start("seed", self.seed_cmd(
            [self.path("single.torrent"), self.path("album.torrent")], empty, free_port()))
        self.assertEqual(wait_exit(seed, 30), 1, log_text(seed))
        log = log_text(seed)
        self.assertIn(os.path.join(empty, "single.bin"), log)
        self.assertIn(os.path.join(empty, "album"), log)
        self.assertRegex(log, r"nothing to seed: none of the 2 torrents can be served")

    def test_one_torrent_with_its_content_path_as_before(self):
        lib = self.make_content()
        os.rename(os.path.join(lib, "album"), self.path("renamed-album"))
        port = free_port()
        seed = self.procs.start("seed", self.seed_cmd([self.path("album.torrent")], self.path("renamed-album"), port))
        wait_port(port, 30)
        leech = self.procs.start("leech", [
            bin_path("leech"), self.path("album.torrent"), "-o", self.path("out"), "--host", "127.0.0.1",
            "--port", str(free_port()), "--timeout", "60", "--peer", "127.0.0.1:%d" % port])
        self.assertEqual(wait_exit(leech, 60), 0, log_text(leech))
        self.assertTrue(same_tree(self.path("renamed-album"), self.path("out", "album")))


if __name__ == "__main__":
    unittest.main()
