"""A leech never shortens, replaces or writes into a file in its output folder that it did not create, unless the
file's data verifies as the torrent's (docs/wire-storage.md, "Files already in the output folder")."""
import glob
import os
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file, same_tree,
                           wait_exit, find_event, wait_resumed, write_random_file)

KiB = 1024
MiB = 1024 * KiB


class OutputSafety(SwarmTestCase):
    def setUp(self):
        super().setUp()
        self.data = self.path("d", "big.bin")
        write_random_file(self.data, 4 * MiB, seed=21)
        self.torrent = self.path("big.bin.torrent")
        self.info_hash = make_torrent(self.data, self.torrent, 64 * KiB)
        os.makedirs(self.path("o"))

    def leech(self, name, *extra, peer=True, timeout="60"):
        peers = []
        if peer:
            if not hasattr(self, "seed_port"):
                _, self.seed_port = self.start_seed("seed", self.torrent, self.data)
            peers = ["--peer", "127.0.0.1:%d" % self.seed_port]
        return self.procs.start(name, [bin_path("leech"), self.torrent, "-o", self.path("o"), "--host", "127.0.0.1",
                                       "--port", str(free_port()), "--timeout", timeout, "--json", *peers, *extra])

    def put(self, rel, data):
        path = self.path("o", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def assert_refused(self, proc, shown_path, why):
        self.assertNotEqual(wait_exit(proc, 60), 0, log_text(proc))
        lines = [l for l in log_text(proc).splitlines() if "--overwrite" in l and not l.startswith("{")]
        self.assertEqual(len(lines), 1, log_text(proc))
        failed = find_event(proc, "state", to="error")
        self.assertIsNotNone(failed, log_text(proc))
        self.assertIn(why, failed["error"])
        self.assertIn(shown_path + " exists and is not this torrent's", lines[0])
        self.assertIn(why, lines[0])
        self.assertFalse(os.path.exists(self.path("o", ".shoal-%s.owned" % self.info_hash)),
                         "nothing recorded for a refused torrent")

    def no_record_left(self):
        self.assertEqual(glob.glob(self.path("o", ".shoal-*")), [], "the ownership record outlived the download")

    def test_small_note_of_the_same_name_is_kept(self):
        note = self.put("big.bin", b"notes\n")
        leech = self.leech("leech")
        self.assert_refused(leech, os.path.join(self.path("o"), "big.bin"), "none of its 64 pieces match")
        with open(note, "rb") as f:
            self.assertEqual(f.read(), b"notes\n")

    def test_stranger_file_of_the_right_length_is_kept(self):
        stranger = self.path("o", "big.bin")
        write_random_file(stranger, 4 * MiB, seed=99)
        leech = self.leech("leech")
        self.assert_refused(leech, stranger, "none of its 64 pieces match (4194304 bytes)")
        write_random_file(self.path("copy"), 4 * MiB, seed=99)
        self.assertTrue(same_file(self.path("copy"), stranger))

    def test_longer_file_is_not_cut_even_if_it_starts_with_the_data(self):
        longer = self.path("o", "big.bin")
        with open(self.data, "rb") as f, open(longer, "wb") as out:
            out.write(f.read())
            out.write(b"x" * (1 * MiB))
        leech = self.leech("leech")
        self.assert_refused(leech, longer, "it has 5242880 bytes, the torrent's file 4194304 (it would be cut)")
        self.assertEqual(os.path.getsize(longer), 5 * MiB)

    def test_overwrite_replaces_the_strangers_file(self):
        write_random_file(self.path("o", "big.bin"), 5 * MiB, seed=98)
        leech = self.leech("leech", "--overwrite")
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(self.data, self.path("o", "big.bin")))
        self.no_record_left()

    def test_partial_download_of_another_client_is_adopted_and_completed(self):
        with open(self.data, "rb") as f:
            self.put("big.bin", f.read(1 * MiB + 5000))  # 16 whole pieces and a bit
        leech = self.leech("leech")
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertEqual(find_event(leech, "state", **{"from": "checking"})["pieces_have"], 16, log_text(leech))
        self.assertIn("its verified pieces are kept", log_text(leech))
        self.assertTrue(same_tree(self.data, self.path("o", "big.bin")))
        self.no_record_left()

    def test_own_file_with_no_verified_piece_resumes_without_overwrite(self):
        # Nobody to download from: the leech creates (preallocates) its file, then is killed before any piece.
        first = self.leech("first", peer=False, timeout="60")
        self.assertEqual(wait_resumed(first, 60), (0, 64))
        first.kill()
        first.wait(10)
        self.assertEqual(os.path.getsize(self.path("o", "big.bin")), 4 * MiB)
        second = self.leech("second")
        self.assertEqual(wait_exit(second, 120), 0, log_text(second))
        self.assertTrue(same_tree(self.data, self.path("o", "big.bin")))
        self.no_record_left()
        # Complete data needs no record: a later run finds every piece and leaves the file alone.
        third = self.leech("third", peer=False)
        self.assertEqual(wait_exit(third, 60), 0, log_text(third))
        self.assertEqual(find_event(third, "state", **{"from": "checking"})["pieces_have"], 64, log_text(third))

    def test_another_torrents_file_of_the_same_name_is_refused(self):
        # Shoal's own file, but of another torrent (another info-hash): a stranger to this one.
        other = self.path("other.torrent")
        write_random_file(self.path("e", "big.bin"), 4 * MiB, seed=22)
        make_torrent(self.path("e", "big.bin"), other, 64 * KiB)
        first = self.procs.start("first", [bin_path("leech"), other, "-o", self.path("o"), "--port", str(free_port()),
                                           "--timeout", "60", "--json"])
        self.assertEqual(wait_resumed(first, 60), (0, 64))
        first.kill()
        first.wait(10)
        leech = self.leech("leech")
        self.assert_refused(leech, self.path("o", "big.bin"), "none of its 64 pieces match")

    def test_multi_file_judged_per_file(self):
        write_random_file(self.path("m", "set", "a.bin"), 300 * KiB, seed=23)
        write_random_file(self.path("m", "set", "b.bin"), 200 * KiB, seed=24)
        torrent = self.path("set.torrent")
        set_hash = make_torrent(self.path("m", "set"), torrent, 64 * KiB)
        _, port = self.start_seed("mseed", torrent, self.path("m", "set"))
        # b.bin: another client's first 150 KiB of it; piece 5 lies wholly in it and verifies. a.bin: somebody's own.
        with open(self.path("m", "set", "b.bin"), "rb") as f:
            self.put(os.path.join("set", "b.bin"), f.read(150 * KiB))
        self.put(os.path.join("set", "a.bin"), b"my own a.bin, not the torrent's")
        cmd = [bin_path("leech"), torrent, "-o", self.path("o"), "--port", str(free_port()), "--timeout", "60",
               "--peer", "127.0.0.1:%d" % port, "--json"]
        refused = self.procs.start("refused", cmd)
        self.info_hash = set_hash
        self.assert_refused(refused, self.path("o", "set", "a.bin"), "none of its 5 pieces match")
        os.remove(self.path("o", "set", "a.bin"))
        leech = self.procs.start("leech", cmd)
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(self.path("m", "set"), self.path("o", "set")))
        self.no_record_left()


if __name__ == "__main__":
    unittest.main()
