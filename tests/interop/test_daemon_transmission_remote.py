"""Debian's stock transmission-remote 3.00 drives shoald unchanged: -a (add), -l (list), -t N -S (stop),
-t N -s (start), -t N -r (remove), -st (session stats). It posts to /transmission/rpc/ (trailing slash), sends
"ids" as a bare integer and reads the -l fields as the spec types them."""
import os
import re
import shutil
import subprocess
import unittest

from shoald_testlib import RpcClient, start_shoald, stop_shoald
from swarm_testlib import SwarmTestCase, bin_path, log_text, make_torrent, same_file, start_tracker, write_random_file

TR = shutil.which("transmission-remote")
MIB = 1024 * 1024


@unittest.skipUnless(TR, "transmission-remote (Debian's transmission-cli) is not installed")
class TransmissionRemote(SwarmTestCase):
    def remote(self, *args, ok=True):
        r = subprocess.run([TR, "127.0.0.1:%d" % self.port, *args], capture_output=True, text=True, timeout=60)
        if ok:
            self.assertEqual(r.returncode, 0, "transmission-remote %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def listing(self):
        """transmission-remote -l rows: {id: (done, status, name)}."""
        rows = {}
        for line in self.remote("-l").stdout.splitlines():
            m = re.match(r"\s*(\d+)\*?\s+(\S+)\s+.*?\s{2,}(Idle|Seeding|Stopped|Downloading|Up & Down|Verifying|"
                         r"Will Verify|Queued)\s+(.+)$", line)
            if m:
                rows[int(m.group(1))] = (m.group(2), m.group(3), m.group(4).strip())
        return rows

    def wait_listed(self, tid, predicate, timeout):
        import time
        deadline = time.time() + timeout
        rows = {}
        while time.time() < deadline:
            rows = self.listing()
            if tid in rows and predicate(rows[tid]):
                return rows[tid]
            time.sleep(0.5)
        raise AssertionError("transmission-remote -l: torrent %d not as expected: %r\n%s" %
                             (tid, rows, log_text(self.daemon)[-3000:]))

    def test_add_list_stop_start_remove_stats(self):
        announce = start_tracker(self.procs, interval=2)
        write_random_file(self.path("seed", "film.bin"), 2 * MIB + 77, seed=77)
        make_torrent(self.path("seed", "film.bin"), self.path("film.torrent"), 64 * 1024, announce=announce)
        self.start_seed("seed", self.path("film.torrent"), self.path("seed", "film.bin"))
        self.daemon, self.port = start_shoald(self.procs, self.dir)
        try:
            out = self.remote("-a", self.path("film.torrent")).stdout
            self.assertIn("success", out)
            rpc = RpcClient(self.port)
            self.addCleanup(rpc.close)
            tid = rpc.torrents(["id"])[0]["id"]
            row = self.wait_listed(tid, lambda r: r[0] == "100%", 120)
            self.assertEqual(row[2], "film.bin")
            self.assertTrue(same_file(self.path("seed", "film.bin"),
                                      os.path.join(self.path("shoald-downloads"), "film.bin")))

            self.remote("-t", str(tid), "-S")
            self.wait_listed(tid, lambda r: r[1] == "Stopped", 30)
            self.remote("-t", str(tid), "-s")
            self.wait_listed(tid, lambda r: r[1] in ("Seeding", "Idle"), 30)

            stats = self.remote("-st").stdout
            self.assertIn("CURRENT SESSION", stats)
            self.assertRegex(stats, r"Downloaded:\s+2\.\d+ MB")

            self.remote("-t", str(tid), "-r")
            self.assertNotIn(tid, self.listing())
            self.assertTrue(os.path.exists(os.path.join(self.path("shoald-downloads"), "film.bin")))
            self.assertEqual(stop_shoald(self.daemon), 0)
        finally:
            if self.daemon.poll() is None:
                self.daemon.kill()

    def test_auth_only_after_401(self):
        state = self.path("shoald-state")
        r = subprocess.run([bin_path("shoald"), "user", "add", "carol", "--state-dir", state], input="pa55word\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.daemon, self.port = start_shoald(self.procs, self.dir)
        try:
            denied = self.remote("-l", ok=False)
            self.assertNotEqual(denied.returncode, 0)
            self.assertIn("401", denied.stdout + denied.stderr)
            wrong = self.remote("--auth", "carol:nope", "-l", ok=False)
            self.assertNotEqual(wrong.returncode, 0)
            listed = self.remote("--auth", "carol:pa55word", "-l").stdout
            self.assertIn("Sum:", listed)
            self.assertIn("None", self.remote("--auth", "carol:pa55word", "-st").stdout)  # ratio of nothing
            self.assertEqual(stop_shoald(self.daemon), 0)
        finally:
            if self.daemon.poll() is None:
                self.daemon.kill()


if __name__ == "__main__":
    unittest.main()
