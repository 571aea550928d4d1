"""File names of any length the file system holds (up to 255 bytes) round-trip byte for byte through mktorrent-lite,
seed and leech; longer names from a torrent are shortened the same way by seed and leech, and the log says so."""
import hashlib
import os
import re
import subprocess
import unittest

from swarm_testlib import (SwarmTestCase, bencode, bin_path, free_port, log_text, same_tree, wait_exit,
                           wait_for_log, wait_port, write_random_file)

KiB = 1024


def shortened(name):
    """The documented rule (docs/metainfo.md): prefix + "~" + 8 hex digits of the SHA-1 of the whole name +
    the extension (up to 10 bytes), 255 bytes in all, never splitting a UTF-8 character."""
    raw = name.encode()
    dot = raw.rfind(b".")
    ext = raw[dot:] if dot > 0 and len(raw) - dot <= 10 else b""
    suffix = b"~" + hashlib.sha1(raw).hexdigest()[:8].encode() + ext
    keep = 255 - len(suffix)
    while keep > 0 and raw[keep] & 0xC0 == 0x80:
        keep -= 1
    return (raw[:keep] + suffix).decode()


class LongNames(SwarmTestCase):
    def leech(self, name, torrent, port, out):
        return self.procs.start(name, [bin_path("leech"), torrent, "-o", out, "--host", "127.0.0.1", "--port",
                                       str(free_port()), "--timeout", "60", "--peer", "127.0.0.1:%d" % port])

    def test_names_up_to_255_bytes_round_trip(self):
        names = ["a" * 237 + ".bin",              # 241 bytes: cut to 240 before
                 "b" * 246 + ".bin",
                 "\u00e9" * 125 + "c.txt",        # 255 bytes of two-byte characters and ASCII
                 "d" * 255]                       # no extension, at the limit
        for i, n in enumerate(names):
            self.assertLessEqual(len(n.encode()), 255)
            write_random_file(self.path("src", "set", n), 40 * KiB + i, seed=30 + i)
        write_random_file(self.path("src", "set", "e" * 255, "inner.bin"), 10 * KiB, seed=39)  # a long folder name
        proc = subprocess.run([bin_path("mktorrent-lite"), "set", "-o", self.path("set.torrent"), "-l", "15"],
                              cwd=self.path("src"), capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        seed, port = self.start_seed("seed", self.path("set.torrent"), self.path("src", "set"))
        leech = self.leech("leech", self.path("set.torrent"), port, self.path("out"))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertIsNone(seed.poll(), log_text(seed))
        self.assertEqual(sorted(os.listdir(self.path("out", "set"))), sorted(os.listdir(self.path("src", "set"))))
        self.assertTrue(same_tree(self.path("src", "set"), self.path("out", "set")))
        self.assertNotIn("shortened", log_text(leech))

    def test_longer_names_shortened_alike_by_seed_and_leech(self):
        long_name = "\u00e4" * 150 + ".mkv"  # 304 bytes: no Linux file system holds it
        write_random_file(self.path("src", "short.mkv"), 100 * KiB, seed=40)
        pieces = b""
        with open(self.path("src", "short.mkv"), "rb") as f:
            while True:
                chunk = f.read(16 * KiB)
                if not chunk:
                    break
                pieces += hashlib.sha1(chunk).digest()
        info = {"name": long_name, "length": 100 * KiB, "piece length": 16 * KiB, "pieces": pieces}
        torrent = self.path("long.torrent")
        with open(torrent, "wb") as f:
            f.write(bencode({"info": info}))
        # The content may be named anything with --data; the leech saves it under the shortened name.
        _, port = self.start_seed("seed1", torrent, self.path("src", "short.mkv"))
        leech = self.leech("leech1", torrent, port, self.path("out1"))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        expected = shortened(long_name)
        self.assertEqual(os.listdir(self.path("out1")), [expected])
        self.assertTrue(expected.endswith(".mkv") and len(expected.encode()) == 255)
        self.assertRegex(log_text(leech), re.escape(expected) + r" \(shortened")
        self.assertTrue(same_tree(self.path("src", "short.mkv"), self.path("out1", expected)))
        # A seed run where the leech saved it (no --data) finds the same name, and serves a second leech.
        port2 = free_port()
        seed2 = self.procs.start("seed2", [bin_path("seed"), torrent, "--host", "127.0.0.1", "--port", str(port2)],
                                 cwd=self.path("out1"))
        wait_port(port2, 30)
        # The line comes when the torrent is added, which may be after the port listens.
        wait_for_log(seed2, r"name longer than 255 bytes, kept as " + re.escape(expected), 30)
        leech2 = self.leech("leech2", torrent, port2, self.path("out2"))
        self.assertEqual(wait_exit(leech2, 120), 0, log_text(leech2))
        self.assertTrue(same_tree(self.path("src", "short.mkv"), self.path("out2", expected)))


if __name__ == "__main__":
    unittest.main()
