"""torrent-info --json on every .torrent of libtorrent's test suite (../shared/conformance):
exit 0 with libtorrent's info-hash, file count and size, or exit 2 with one line on stderr."""
import csv
import json
import os
import subprocess
import unittest

BIN = os.environ.get("SHOAL_BIN", "build/bin")
SHARED = os.environ.get("SHOAL_SHARED", "../shared")
CONFORMANCE = os.path.join(SHARED, "conformance")
TSV = os.path.join(CONFORMANCE, "libtorrent-expectations.tsv")


def torrent_info(*args):
    return subprocess.run([os.path.join(BIN, "torrent-info"), *args], capture_output=True, timeout=30)


def expect_one_error_line(test, proc, must_contain):
    test.assertEqual(proc.returncode, 2, proc.stdout)
    test.assertEqual(proc.stdout, b"")
    lines = proc.stderr.decode("utf-8", "replace").splitlines()
    test.assertEqual(len(lines), 1, lines)
    test.assertTrue(lines[0].startswith("torrent-info: "), lines[0])
    test.assertIn(must_contain, lines[0])


@unittest.skipUnless(os.path.exists(TSV), "no conformance data at " + CONFORMANCE)
class TorrentInfoConformance(unittest.TestCase):
    def test_every_torrent(self):
        with open(TSV, newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        self.assertGreater(len(rows), 100)
        for row in rows:
            name = row["file"]
            path = os.path.join(CONFORMANCE, "libtorrent-torrents", name)
            with self.subTest(torrent=name):
                proc = torrent_info(path, "--json")
                if row["libtorrent_2.0.8"] == "load" and row["v1_info_hash"] != "-":
                    self.assertEqual(proc.returncode, 0, proc.stderr)
                    self.assertEqual(proc.stderr, b"")
                    info = json.loads(proc.stdout)
                    self.assertEqual(info["info_hash"], row["v1_info_hash"])
                    # "files" leaves pad files out (they are counted in "pad_files"), and "length" is
                    # the sum of "files"; libtorrent's total_size counts the pad bytes too.
                    self.assertEqual(len(info["files"]), int(row["files_excluding_pad"]))
                    self.assertEqual(info["length"], sum(f["length"] for f in info["files"]))
                    self.assertEqual(info["length"] + info.get("pad_bytes", 0), int(row["total_size"]))
                    for f in info["files"]:
                        parts = f["path"].split("/")
                        self.assertFalse(f["path"].startswith("/"))
                        self.assertNotIn("..", parts)
                        self.assertNotIn("", parts)
                elif row["libtorrent_2.0.8"] == "load":
                    expect_one_error_line(self, proc, "v2-only torrents are not supported yet")
                else:
                    expect_one_error_line(self, proc, name + ": ")


class TorrentInfoCli(unittest.TestCase):
    def test_missing_file(self):
        expect_one_error_line(self, torrent_info("/nonexistent/x.torrent"), "/nonexistent/x.torrent: ")

    @unittest.skipUnless(os.path.exists(TSV), "no conformance data")
    def test_human_output(self):
        proc = torrent_info(os.path.join(CONFORMANCE, "libtorrent-torrents", "sample.torrent"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = proc.stdout.decode()
        self.assertIn("58d8d15a4eb3bd9afabc9cee2564f78192777edb", out)
        self.assertIn("sample/text_file.txt", out)
        self.assertIn("(45 bytes)", out)  # the real files; libtorrent's 16404 counts the pad file
        self.assertIn("+1 pad files, 16359 bytes", out)
        self.assertIn("tier 1: tracker.publicbt.com:80/announce", out)


if __name__ == "__main__":
    unittest.main()
