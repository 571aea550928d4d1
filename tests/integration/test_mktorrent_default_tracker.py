"""mktorrent-lite without -a: the torrent gets the default tracker, and stderr says which one and
that only this machine can reach 127.0.0.1. With -a, no such line."""
import json
import os
import subprocess
import sys
import unittest

from mktorrent_testlib import TempDirCase, BIN, mktorrent_lite, printed, write_file

DEFAULT = "http://127.0.0.1:8080/announce"


def announce_of(path):
    proc = subprocess.run([os.path.join(BIN, "torrent-info"), "--json", path], capture_output=True, text=True,
                          timeout=60)
    if proc.returncode != 0:
        raise AssertionError("torrent-info failed: " + proc.stderr)
    return json.loads(proc.stdout)["announce"]


class DefaultTrackerTest(TempDirCase):
    def test_without_announce_stderr_names_the_default(self):
        write_file(self.path("f"), 50000)
        proc = mktorrent_lite("f", cwd=self.dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        _, out = printed(proc)
        self.assertEqual(announce_of(self.path(out)), [[DEFAULT]])
        notes = [l for l in proc.stderr.splitlines() if "-a" in l and DEFAULT in l]
        self.assertEqual(len(notes), 1, proc.stderr)
        self.assertIn("only this machine can reach", notes[0])
        self.assertNotIn(DEFAULT, proc.stdout)  # stdout stays info-hash and output only

    def test_with_announce_no_note(self):
        write_file(self.path("f"), 50000)
        proc = mktorrent_lite("f", "-a", "udp://tracker.example:6969/announce", cwd=self.dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        _, out = printed(proc)
        self.assertEqual(announce_of(self.path(out)), [["udp://tracker.example:6969/announce"]])
        self.assertNotIn("only this machine", proc.stderr)
        self.assertNotIn("127.0.0.1", proc.stderr)

    def test_empty_announce_is_refused_not_defaulted(self):
        write_file(self.path("f"), 50000)
        proc = mktorrent_lite("f", "-a", "", cwd=self.dir)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertFalse(os.path.exists(self.path("f.torrent")))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
