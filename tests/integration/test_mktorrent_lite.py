"""mktorrent-lite as a user runs it: outputs, options and errors, checked with torrent-info."""
import json
import os
import shutil
import subprocess
import sys
import unittest

from mktorrent_testlib import TempDirCase, BIN, mktorrent_lite, printed, write_file


def torrent_info(path):
    proc = subprocess.run([os.path.join(BIN, "torrent-info"), "--json", path], capture_output=True,
                          text=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError("torrent-info failed: " + proc.stderr)
    return json.loads(proc.stdout)


class MktorrentLiteTest(TempDirCase):
    def make(self, *args):
        proc = mktorrent_lite(*args, cwd=self.dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc

    def test_single_file(self):
        write_file(self.path("data.bin"), 300000)
        proc = self.make("data.bin", "-l", "16", "-a", "http://t1/a", "-a", "http://t2/a,http://t3/a",
                         "-c", "a comment", "-w", "http://ws/", "-p", "--no-date", "-j", "2")
        info_hash, out = printed(proc)
        self.assertEqual(out, "data.bin.torrent")
        info = torrent_info(self.path(out))
        self.assertEqual(info["info_hash"], info_hash)
        self.assertEqual(info["name"], "data.bin")
        self.assertEqual(info["length"], 300000)
        self.assertEqual(info["piece_length"], 65536)
        self.assertEqual(info["piece_count"], 5)
        self.assertTrue(info["private"])
        self.assertEqual(info["announce"], [["http://t1/a"], ["http://t2/a", "http://t3/a"]])
        self.assertEqual(info["web_seeds"], ["http://ws/"])
        self.assertEqual(info["comment"], "a comment")
        self.assertTrue(info["created_by"].startswith("Shoal "))
        self.assertIsNone(info["creation_date"])

    def test_multi_file_skips_hidden_and_defaults(self):
        write_file(self.path("album", "b.bin"), 40000, seed=1)
        write_file(self.path("album", "a", "x.bin"), 50000, seed=2)
        write_file(self.path("album", ".secret"), 10, seed=3)
        write_file(self.path("album", ".git", "HEAD"), 10, seed=4)
        os.makedirs(self.path("album", "empty"))
        proc = self.make("album")
        info_hash, out = printed(proc)
        info = torrent_info(self.path(out))
        self.assertEqual(info["info_hash"], info_hash)
        self.assertEqual([f["path"] for f in info["files"]], ["album/a/x.bin", "album/b.bin"])
        self.assertEqual(info["announce"], [["http://127.0.0.1:8080/announce"]])
        self.assertEqual(info["piece_length"], 16384)
        self.assertIsInstance(info["creation_date"], int)
        self.assertFalse(info["private"])

        proc = self.make("album", "--include-hidden", "-o", "all.torrent", "-n", "other")
        info = torrent_info(self.path("all.torrent"))
        self.assertEqual(info["name"], "other")
        self.assertEqual(len(info["files"]), 4)
        self.assertNotEqual(printed(proc)[0], info_hash)

    def test_same_info_hash_as_mktorrent_when_available(self):
        if shutil.which("mktorrent") is None:
            self.skipTest("mktorrent not installed")
        write_file(self.path("tree", "one"), 70000, seed=5)
        write_file(self.path("tree", "sub", "two"), 12345, seed=6)
        open(self.path("tree", "zero"), "wb").close()
        ours, _ = printed(self.make("tree", "-l", "15", "-o", "ours.torrent"))
        subprocess.run(["mktorrent", "-l", "15", "-a", "http://x/", "-o", self.path("theirs.torrent"),
                        self.path("tree")], check=True, capture_output=True, timeout=60)
        self.assertEqual(torrent_info(self.path("theirs.torrent"))["info_hash"], ours)

    def test_thread_counts_agree(self):
        write_file(self.path("t", "a"), 500_000, seed=7)
        write_file(self.path("t", "b"), 77_777, seed=8)
        hashes = {printed(self.make("t", "-l", "14", "--no-date", "-j", str(j), "-o", "t%d.torrent" % j))[0]
                  for j in (1, 2, 5)}
        self.assertEqual(len(hashes), 1, hashes)

    def test_output_is_not_overwritten_without_force(self):
        write_file(self.path("f"), 1000)
        with open(self.path("f.torrent"), "w") as f:
            f.write("keep me")
        proc = mktorrent_lite("f", cwd=self.dir)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("already exists", proc.stderr)
        with open(self.path("f.torrent")) as f:
            self.assertEqual(f.read(), "keep me")
        info_hash, _ = printed(self.make("f", "--force"))
        self.assertEqual(torrent_info(self.path("f.torrent"))["info_hash"], info_hash)
        self.assertEqual(sorted(os.listdir(self.dir)), ["f", "f.torrent"])  # no temporary left

    def test_errors_exit_non_zero_with_one_clear_line(self):
        os.makedirs(self.path("empty", "sub"))
        write_file(self.path("f"), 1000)
        write_file(self.path("locked", "x"), 10)
        cases = [
            (["missing"], "missing"),
            (["empty"], "no files"),
            (["f", "-l", "100000"], "power of two"),
            (["f", "-l", "12"], "exponent"),
            (["f", "-l", "1G"], "above 256M"),
            (["f", "-l", "1X"], "suffix"),
            (["f", "-o", self.path("no", "such", "dir", "x.torrent")], "cannot write"),
        ]
        if os.geteuid() != 0:  # root reads anything
            os.chmod(self.path("locked", "x"), 0)
            cases.append((["locked"], "cannot read"))
        for args, needle in cases:
            with self.subTest(args=args):
                proc = mktorrent_lite(*args, cwd=self.dir)
                self.assertNotEqual(proc.returncode, 0)
                lines = [l for l in proc.stderr.splitlines() if l.strip()]
                self.assertEqual(len(lines), 1, proc.stderr)
                self.assertIn("error", lines[0])
                self.assertIn(needle, lines[0])
                self.assertEqual(proc.stdout, "")

    def test_progress_lines_when_not_a_terminal(self):
        write_file(self.path("f"), 100000)
        proc = self.make("f")
        self.assertIn("hashing: 100.0%", proc.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
