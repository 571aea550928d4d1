"""Torrents made by Debian's mktorrent and by libtorrent (v1-only and hybrid v1/v2), single-
and multi-file, load in torrent-info --json with the info-hash, size and files those tools see."""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import libtorrent as lt

BIN = os.environ.get("SHOAL_BIN", "build/bin")


def info_span(data):
    """Byte span of the root dictionary's "info" value, found with a tiny independent bdecoder."""
    def skip(i):
        c = data[i:i + 1]
        if c == b"i":
            return data.index(b"e", i) + 1
        if c in (b"l", b"d"):
            i += 1
            while data[i:i + 1] != b"e":
                i = skip(i)
            return i + 1
        colon = data.index(b":", i)
        return colon + 1 + int(data[i:colon])
    assert data[:1] == b"d"
    i = 1
    while data[i:i + 1] != b"e":
        colon = data.index(b":", i)
        key_end = colon + 1 + int(data[i:colon])
        key = data[colon + 1:key_end]
        value_end = skip(key_end)
        if key == b"info":
            return key_end, value_end
        i = value_end
    raise ValueError("no info dictionary")


def libtorrent_view(data):
    ti = lt.torrent_info(lt.bdecode(data))
    fs = ti.files()
    files = [(fs.file_path(i).replace(os.sep, "/"), fs.file_size(i))
             for i in range(fs.num_files()) if not fs.file_flags(i) & lt.file_storage.flag_pad_file]
    return str(ti.info_hashes().v1), ti.total_size(), files


def write_content(root, multi):
    rnd = os.urandom
    if not multi:
        path = os.path.join(root, "single.bin")
        with open(path, "wb") as f:
            f.write(rnd(100_003))
        return path
    top = os.path.join(root, "multi")
    os.makedirs(os.path.join(top, "sub", "deeper"), exist_ok=True)
    for rel, size in (("a.txt", 1000), ("sub/b.bin", 70_000), ("sub/deeper/c.bin", 33_333), ("z.dat", 5)):
        with open(os.path.join(top, rel), "wb") as f:
            f.write(rnd(size))
    return top


def make_with_mktorrent(content, out):
    subprocess.run(["mktorrent", "-a", "http://127.0.0.1:6969/announce", "-l", "15", "-c", "made by mktorrent",
                    "-o", out, content], check=True, capture_output=True, timeout=60)
    with open(out, "rb") as f:
        return f.read()


def make_with_libtorrent(content, out, flags):
    fs = lt.file_storage()
    lt.add_files(fs, content)
    ct = lt.create_torrent(fs, 16384, flags=flags)
    ct.add_tracker("http://127.0.0.1:6969/announce", 0)
    ct.add_tracker("udp://127.0.0.1:6969/announce", 1)
    lt.set_piece_hashes(ct, os.path.dirname(content))
    data = lt.bencode(ct.generate())
    with open(out, "wb") as f:
        f.write(data)
    return data


class TorrentInfoInterop(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="shoal_interop_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def check(self, data, path):
        proc = subprocess.run([os.path.join(BIN, "torrent-info"), "--json", path], capture_output=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        info = json.loads(proc.stdout)
        lt_hash, lt_total, lt_files = libtorrent_view(data)
        start, end = info_span(data)
        self.assertEqual(info["info_hash"], hashlib.sha1(data[start:end]).hexdigest())
        self.assertEqual(info["info_hash"], lt_hash)
        # "length" is the real files' sum; libtorrent's total_size counts pad bytes too.
        self.assertEqual(info["length"] + info["pad_bytes"], lt_total)
        self.assertEqual([(f["path"], f["length"]) for f in info["files"]], lt_files)
        self.assertEqual(info["length"], sum(length for _, length in lt_files))
        self.assertEqual(info["announce"][0], ["http://127.0.0.1:6969/announce"])
        return info

    def test_mktorrent(self):
        for multi in (False, True):
            with self.subTest(multi=multi):
                content = write_content(self.tmp, multi)
                out = os.path.join(self.tmp, "mk%d.torrent" % multi)
                info = self.check(make_with_mktorrent(content, out), out)
                self.assertEqual(info["piece_length"], 1 << 15)
                self.assertEqual(info["comment"], "made by mktorrent")

    def test_libtorrent(self):
        for multi in (False, True):
            for name, flags in (("v1", lt.create_torrent.v1_only), ("hybrid", 0)):
                with self.subTest(multi=multi, kind=name):
                    content = write_content(self.tmp, multi)
                    out = os.path.join(self.tmp, "lt_%s_%d.torrent" % (name, multi))
                    info = self.check(make_with_libtorrent(content, out, flags), out)
                    self.assertEqual(info["hybrid"], name == "hybrid")
                    self.assertEqual(info["announce"], [["http://127.0.0.1:6969/announce"],
                                                        ["udp://127.0.0.1:6969/announce"]])
                    if multi and name == "hybrid":
                        self.assertGreater(info["pad_files"], 0)


if __name__ == "__main__":
    unittest.main()
