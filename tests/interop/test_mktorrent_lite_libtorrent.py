"""Torrents made by mktorrent-lite load in libtorrent with the info-hash we printed, and
libtorrent's own hash check of the data finds every piece valid (it then seeds)."""
import os
import shutil
import sys
import tempfile
import time
import unittest

import libtorrent as lt

from mktorrent_testlib import mktorrent_lite, printed, write_file

CHECK_TIMEOUT = 60  # seconds


def quiet_session():
    settings = {
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "alert_mask": lt.alert_category.error | lt.alert_category.status,
    }
    return lt.session(settings)


class MktorrentLiteLibtorrentTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shoal_mktorrent_lt_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def make(self, target, *args):
        proc = mktorrent_lite(target, "-o", "out.torrent", *args, cwd=self.dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        info_hash, out = printed(proc)
        return info_hash, self.path(out)

    def assert_libtorrent_verifies(self, torrent, info_hash, expected_files):
        info = lt.torrent_info(torrent)
        self.assertEqual(str(info.info_hash()), info_hash)
        files = info.files()
        self.assertEqual([(files.file_path(i), files.file_size(i)) for i in range(files.num_files())],
                         expected_files)
        session = quiet_session()
        handle = session.add_torrent({"ti": info, "save_path": self.dir})
        deadline = time.monotonic() + CHECK_TIMEOUT
        status = handle.status()
        while time.monotonic() < deadline:
            status = handle.status()
            if status.errc.value() != 0:
                self.fail("libtorrent error: " + status.errc.message())
            if status.state == lt.torrent_status.seeding and status.num_pieces == info.num_pieces():
                break
            time.sleep(0.1)
        self.assertEqual(status.state, lt.torrent_status.seeding, "libtorrent did not verify the data in time")
        self.assertEqual(status.num_pieces, info.num_pieces())
        self.assertTrue(all(status.pieces))
        session.remove_torrent(handle)

    def test_single_file(self):
        write_file(self.path("movie.bin"), 1_000_003, seed=11)
        info_hash, torrent = self.make("movie.bin", "-l", "32K", "-j", "2")
        self.assert_libtorrent_verifies(torrent, info_hash, [("movie.bin", 1_000_003)])

    def test_multi_file_pieces_span_files(self):
        write_file(self.path("set", "a.bin"), 100_000, seed=1)
        write_file(self.path("set", "b", "c.bin"), 33_333, seed=2)
        open(self.path("set", "b", "empty"), "wb").close()
        write_file(self.path("set", "d.bin"), 250_001, seed=3)
        info_hash, torrent = self.make("set", "-l", "15", "-j", "3", "-p")
        sep = os.sep
        self.assert_libtorrent_verifies(torrent, info_hash, [
            ("set" + sep + "a.bin", 100_000),
            ("set" + sep + "b" + sep + "c.bin", 33_333),
            ("set" + sep + "b" + sep + "empty", 0),
            ("set" + sep + "d.bin", 250_001),
        ])

    def test_libtorrent_rejects_corrupted_data(self):
        # The check above must be able to fail: flip one byte and libtorrent sees a bad piece.
        write_file(self.path("x.bin"), 200_000, seed=4)
        info_hash, torrent = self.make("x.bin", "-l", "16K")
        with open(self.path("x.bin"), "r+b") as f:
            f.seek(100_000)
            byte = f.read(1)
            f.seek(100_000)
            f.write(bytes([byte[0] ^ 0xFF]))
        info = lt.torrent_info(torrent)
        session = quiet_session()
        handle = session.add_torrent({"ti": info, "save_path": self.dir})
        deadline = time.monotonic() + CHECK_TIMEOUT
        status = handle.status()
        while time.monotonic() < deadline:
            status = handle.status()
            if status.state in (lt.torrent_status.downloading, lt.torrent_status.seeding):
                break  # checking is over
            time.sleep(0.1)
        self.assertEqual(status.state, lt.torrent_status.downloading)
        self.assertEqual(status.num_pieces, info.num_pieces() - 1)
        self.assertFalse(status.pieces[100_000 // 16384])
        session.remove_torrent(handle)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
