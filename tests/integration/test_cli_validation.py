"""Every tool refuses a bad flag value the same way: exit status 2 and one line on stderr naming
the flag, the value and what is allowed. Sizes and rates take K, M, G, T (K = 1024, as aria2c);
every tool has --version and --help (exit 0). See docs/cli.md."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from ports import free_port

BIN = os.environ.get("SHOAL_BIN", "build/bin")
TIMEOUT = 60
TOOLS = ["tracker", "mktorrent-lite", "torrent-info", "seed", "leech", "announce"]
HASH = "0123456789abcdef0123456789abcdef01234567"


def run(tool, *args, cwd=None):
    return subprocess.run([os.path.join(BIN, tool), *args], capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd)


class CliValidation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = os.path.join(cls.tmp.name, "data.bin")
        with open(cls.data, "wb") as f:
            f.write(os.urandom(100000))
        # Parsing comes before the torrent is read: an unreadable torrent makes a good command
        # line end with a run-time error (status 1), not a usage error (status 2).
        cls.bogus = os.path.join(cls.tmp.name, "bogus.torrent")
        with open(cls.bogus, "wb") as f:
            f.write(b"not bencode")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def bad_cases(self):
        out = os.path.join(self.tmp.name, "out")
        t = self.bogus
        # (tool, args, flag as named in the message, the value, a piece of the allowed range)
        return [
            ("seed", [t, "--max-upload-rate", "-5"], "--max-upload-rate", "-5", "0 = unlimited"),
            ("seed", [t, "--max-upload-rate-total", "1X"], "--max-upload-rate-total", "1X", "K = 1024"),
            ("seed", [t, "--upload-slots", "0"], "--upload-slots", "0", "1 to 1000"),
            ("seed", [t, "--port", "70000"], "--port", "70000", "0 to 65535"),
            ("seed", [t, "--max-peers", "0"], "--max-peers", "0", "1 to 1000"),
            ("seed", [t, "--max-peers-total", "-1"], "--max-peers-total", "-1", "0 = unlimited"),
            ("seed", [t, "--seed-ratio", "-1"], "--seed-ratio", "-1", "0 to"),
            ("seed", [t, "--hash-threads", "0"], "--hash-threads", "0", "1 to 64"),
            ("leech", [t, "-o", out, "--max-download-rate", "-1"], "--max-download-rate", "-1", "0 = unlimited"),
            ("leech", [t, "-o", out, "--max-download-rate-total", "2T"], "--max-download-rate-total", "2T", "to 1T"),
            ("leech", [t, "-o", out, "--max-upload-rate", "1.5M"], "--max-upload-rate", "1.5M", "K = 1024"),
            ("leech", [t, "-o", out, "--port", "70000"], "--port", "70000", "0 to 65535"),
            ("leech", [t, "-o", out, "--port", "http"], "--port", "http", "0 to 65535"),
            ("leech", [t, "-o", out, "--upload-slots", "0"], "--upload-slots", "0", "1 to 1000"),
            ("leech", [t, "-o", out, "--timeout", "0"], "--timeout", "0", "seconds"),
            ("leech", [t, "-o", out, "--seed-ratio", "abc"], "--seed-ratio", "abc", "0 to"),
            ("tracker", ["--port", "70000"], "--port", "70000", "1 to 65535"),
            ("tracker", ["--port", "0"], "--port", "0", "1 to 65535"),
            ("tracker", ["--interval", "0"], "--interval", "0", "1 to 86400"),
            ("tracker", ["--threads", "0"], "--threads", "0", "1 to 256"),
            ("tracker", ["--expiry-factor", "0.5"], "--expiry-factor", "0.5", "1 to 100"),
            ("tracker", ["--max-numwant", "-1"], "--max-numwant", "-1", "0 to 10000"),
            ("tracker", ["--max-connections", "0"], "--max-connections", "0", "1 to 1000000"),
            ("tracker", ["--request-timeout", "99999"], "--request-timeout", "99999", "1 to 3600"),
            ("mktorrent-lite", [self.data, "-a", "notaurl"], "--announce", "notaurl", "udp:// URL"),
            ("mktorrent-lite", [self.data, "-a", ""], "--announce", "", "udp:// URL"),
            ("mktorrent-lite", [self.data, "-a", "http://t/a,notaurl"], "--announce", "notaurl", "udp:// URL"),
            ("mktorrent-lite", [self.data, "-a", "udp://t/announce"], "--announce", "udp://t/announce", "URL"),
            ("mktorrent-lite", [self.data, "-l", "1G"], "--piece-length", "1G", "16K to 256M"),
            ("mktorrent-lite", [self.data, "-l", "1X"], "--piece-length", "1X", "16K to 256M"),
            ("mktorrent-lite", [self.data, "-l", "12"], "--piece-length", "12", "exponent 14 to 28"),
            ("mktorrent-lite", [self.data, "-j", "-1"], "--threads", "-1", "0 = every core"),
            ("mktorrent-lite", [self.data, "-w", "ftp://x/"], "--web-seed", "ftp://x/", "https:// URL"),
            ("announce", ["--info-hash", HASH, "--port", "70000"], "--port", "70000", "1 to 65535"),
            ("announce", ["--info-hash", HASH, "--tracker", "notaurl"], "--tracker", "notaurl", "udp:// URL"),
            ("announce", ["--info-hash", HASH, "--tracker", "ftp://t/a"], "--tracker", "ftp://t/a", "udp:// URL"),
            ("announce", ["--info-hash", HASH, "--tracker", ""], "--tracker", "", "udp:// URL"),
            ("announce", ["--info-hash", HASH, "--numwant", "-1"], "--numwant", "-1", "0 to 10000"),
            ("announce", ["--info-hash", HASH, "--timeout", "0"], "--timeout", "0", "1 to 3600"),
            ("announce", ["--info-hash", HASH, "--left", "-1"], "--left", "-1", "K = 1024"),
            ("torrent-info", [t, "--log-level", "loud"], "--log-level", "loud", "warn"),
        ]

    def assert_usage_error(self, proc, tool, *needles):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertTrue(lines[0].startswith(tool + ": "), lines[0])
        for needle in needles:
            self.assertIn(needle, lines[0])
        return lines[0]

    def test_bad_values_get_one_line_and_status_2(self):
        for tool, args, flag, value, allowed in self.bad_cases():
            with self.subTest(tool=tool, args=args[1:]):
                proc = run(tool, *args, cwd=self.tmp.name)
                self.assert_usage_error(proc, tool, flag, "value '%s'" % value, "(allowed: ", allowed)

    def test_other_usage_errors_are_status_2_too(self):
        t = self.bogus
        needed = {"mktorrent-lite": [self.data], "torrent-info": [t], "seed": [t],
                  "leech": [t, "-o", os.path.join(self.tmp.name, "out")]}
        for tool in TOOLS:
            with self.subTest(tool=tool):
                proc = run(tool, *needed.get(tool, []), "--no-such-flag")
                self.assert_usage_error(proc, tool, "--no-such-flag")
        self.assert_usage_error(run("mktorrent-lite"), "mktorrent-lite", "PATH")  # a required argument
        self.assert_usage_error(run("seed", "/nonexistent/x.torrent"), "seed", "/nonexistent/x.torrent")

    def test_version_and_help(self):
        for tool in TOOLS:
            with self.subTest(tool=tool):
                proc = run(tool, "--version")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertRegex(proc.stdout, r"^%s \d+\.\d+\.\d+\n$" % tool)
                proc = run(tool, "--help")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertIn("--version", proc.stdout)

    def test_help_states_the_rules(self):
        for tool in TOOLS:
            with self.subTest(tool=tool):
                text = run(tool, "--help").stdout
                self.assertIn("Exit status: 0 done", text)
                self.assertIn("2 usage error", text)
                self.assertIn("K = 1024", text)
        self.assertIn("K = 1024", run("seed", "--help").stdout)
        self.assertIn("K = 1024", run("leech", "--help").stdout)
        self.assertIn("only this machine can reach", run("mktorrent-lite", "--help").stdout)

    def test_suffixed_sizes_reach_the_torrent(self):
        for text, expected in [("1M", 1 << 20), ("256K", 256 << 10), ("16", 1 << 16)]:
            with self.subTest(piece_length=text):
                out = os.path.join(self.tmp.name, "l%s.torrent" % text)
                proc = run("mktorrent-lite", self.data, "-l", text, "-a", "udp://127.0.0.1:6969", "-o", out)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                info = run("torrent-info", "--json", out)
                self.assertEqual(info.returncode, 0, info.stderr)
                self.assertEqual(json.loads(info.stdout)["piece_length"], expected)

    def test_good_values_pass_parsing(self):
        # Each line parses, then stops at run time (status 1): a torrent that is not bencode,
        # a whitelist that does not exist, a tracker port nothing listens on.
        out = os.path.join(self.tmp.name, "out")
        t = self.bogus
        dead = "http://127.0.0.1:%d/announce" % free_port()
        cases = [
            ("seed", [t, "--port", "0", "--host", "127.0.0.1", "--max-upload-rate", "500K",
                      "--max-upload-rate-total", "2M", "--upload-slots", "1", "--seed-ratio", "1.5"]),
            ("leech", [t, "-o", out, "--port", "0", "--host", "127.0.0.1", "--max-download-rate", "1G",
                       "--max-download-rate-total", "0", "--max-upload-rate", "500k", "--upload-slots", "1000"]),
            ("tracker", ["--host", "127.0.0.1", "--port", str(free_port()), "--expiry-factor", "1.5",
                         "--whitelist", os.path.join(self.tmp.name, "no-such-list")]),
            ("announce", ["--info-hash", HASH, "--tracker", dead, "--left", "1G", "--uploaded", "2M",
                          "--port", "65535", "--timeout", "2"]),
        ]
        for tool, args in cases:
            with self.subTest(tool=tool):
                proc = run(tool, *args)
                self.assertEqual(proc.returncode, 1, proc.stderr)
                self.assertNotIn("allowed:", proc.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
