"""The leech's progress display on a real terminal (tmux): one line per torrent that fits the width and follows
resizes, bytes done of total, the current rate (not an average counting resumed bytes), peers, "stalled" instead
of an ETA when the seed stops sending, and no stale or wrapped fragments left behind."""
import os
import re
import shutil
import signal
import subprocess
import time
import unittest

from swarm_testlib import SwarmTestCase, bin_path, free_port, make_torrent, write_random_file

MiB = 1024 * 1024
NAME = "a-long-name-for-a-progress-line-test.bin"  # 40 columns: whole at 120, shortened at 60
RATE = re.compile(r"(\d+(?:\.\d+)?) (B|KiB|MiB|GiB)/s")
UNIT = {"B": 1, "KiB": 1024, "MiB": MiB, "GiB": 1024 * MiB}
LIMIT = 200 * 1024  # the seed's upload rate, bytes/s


@unittest.skipUnless(shutil.which("tmux"), "needs tmux")
class ProgressDisplay(SwarmTestCase):
    def setUp(self):
        super().setUp()
        self.socket = "shoal-test-%d" % os.getpid()

    def tearDown(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        super().tearDown()

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True).stdout

    def start_in_tmux(self, cmd, width):
        shell = " ".join("'%s'" % c for c in cmd) + " 2>&1; echo EXIT=$?; sleep 600"
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y", "20", shell)

    def screen(self):
        """The pane's lines, wrapped ones joined back (-J): a line that did not fit shows up longer than the pane."""
        return [l.rstrip() for l in self.tmux("capture-pane", "-p", "-J", "-t", "t").splitlines() if l.strip()]

    def status_lines(self, lines, prefix="a-long"):
        """The download's status lines (the data check's own bar, "checking NAME [...]", is not one)."""
        return [l for l in lines if not l.startswith("checking ") and
                (" of " in l or "stalled" in l or "ETA" in l or l.startswith(prefix))]

    def wait_screen(self, pred, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            lines = self.screen()
            if pred(lines):
                return lines
            if time.monotonic() > deadline:
                self.fail("%s not seen within %s s; screen:\n%s" % (what, timeout, "\n".join(lines)))
            time.sleep(0.3)

    def check_fits(self, lines, width):
        for l in lines:
            self.assertLessEqual(len(l), width, "line wider than the %d-column terminal:\n%s" % (width, "\n".join(lines)))
        status = self.status_lines(lines)
        self.assertEqual(len(status), 1, "one status line, no stale copy or fragment:\n" + "\n".join(lines))
        return status[0]

    def rate_of(self, line):
        m = RATE.search(line)
        self.assertIsNotNone(m, "no rate in the chosen units (B/s, KiB/s, MiB/s): " + line)
        return float(m.group(1)) * UNIT[m.group(2)]

    def test_one_torrent_fits_follows_resizes_and_says_stalled(self):
        data = self.path("d", NAME)
        write_random_file(data, 16 * MiB, seed=111)
        make_torrent(data, self.path("t.torrent"), 256 * 1024)
        # Half of it is already there: the rate shown must be the current one, not (resumed + new) / elapsed.
        os.makedirs(self.path("out"))
        with open(data, "rb") as src, open(self.path("out", NAME), "wb") as dst:
            dst.write(src.read(8 * MiB))
        seed, port = self.start_seed("seed", self.path("t.torrent"), data, "--max-upload-rate", str(LIMIT))
        self.start_in_tmux([bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"), "--host", "127.0.0.1",
                            "--port", str(free_port()), "--peer", "127.0.0.1:%d" % port, "--log-level", "warn"], 60)
        lines = self.wait_screen(lambda ls: any("peer" in l and RATE.search(l) and " of " in l for l in ls), 30,
                                 "a status line with a rate")
        time.sleep(4)  # a few seconds of transfer at the seed's limit
        line = self.check_fits(self.screen(), 60)
        self.assertIn(" of 16.0 MiB", line)
        self.assertRegex(line, r"\d+ peers?")
        self.assertRegex(line, r"ETA \d")
        rate = self.rate_of(line)
        self.assertLess(rate, 2.5 * LIMIT, "rate %.0f B/s counts resumed bytes (seed sends %d B/s): %s" % (rate, LIMIT, line))
        self.assertGreater(rate, 0, line)

        # The seed stops sending: "stalled", not an ETA that grows.
        seed.send_signal(signal.SIGSTOP)
        try:
            lines = self.wait_screen(lambda ls: any("stalled" in l for l in self.status_lines(ls)), 20, "stalled")
            line = self.check_fits(lines, 60)
            self.assertNotIn("ETA", line)
        finally:
            seed.send_signal(signal.SIGCONT)

        # Wider: the line grows to show more (both rates), still one line, never past the edge.
        self.tmux("resize-window", "-t", "t", "-x", "120")
        lines = self.wait_screen(lambda ls: any("DL " in l for l in ls), 10, "the wide layout at 120 columns")
        line = self.check_fits(lines, 120)
        self.assertIn("UL ", line)
        self.assertIn(NAME, line, "at 120 columns the whole name fits")
        # Narrower again: what the wider line left is erased, the new one fits.
        self.tmux("resize-window", "-t", "t", "-x", "60")
        time.sleep(2.5)
        self.check_fits(self.screen(), 60)

    def test_several_torrents_one_line_each(self):
        peers = []
        torrents = []
        for i in range(2):
            data = self.path("d%d" % i, "file%d.bin" % i)
            write_random_file(data, 8 * MiB, seed=120 + i)
            make_torrent(data, self.path("t%d.torrent" % i), 256 * 1024)
            _, port = self.start_seed("seed%d" % i, self.path("t%d.torrent" % i), data, "--max-upload-rate", str(LIMIT))
            peers += ["--peer", "127.0.0.1:%d" % port]
            torrents.append(self.path("t%d.torrent" % i))
        self.start_in_tmux([bin_path("leech"), *torrents, "-o", self.path("out"), "--host", "127.0.0.1",
                            "--port", str(free_port()), *peers, "--log-level", "warn"], 120)
        self.wait_screen(lambda ls: len(self.status_lines(ls, "file")) == 2, 30, "two status lines")
        time.sleep(5)  # several redraws: each must replace the line before, not add one below
        lines = self.screen()
        self.assertEqual(len(self.status_lines(lines, "file")), 2, "\n".join(lines))
        for i in range(2):
            mine = [l for l in lines if l.startswith("file%d.bin" % i) and " of " in l]
            self.assertEqual(len(mine), 1, "one line for file%d.bin:\n%s" % (i, "\n".join(lines)))
            self.assertLessEqual(len(mine[0]), 120)
            self.rate_of(mine[0])


if __name__ == "__main__":
    unittest.main()
