"""scripts/demo.sh (the README's first command) on a machine without bc: it must time the leeches
itself, print each leech's time and rate, and never call bc."""
import os
import re
import stat
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ.get("SHOAL_BIN", "build/bin")
DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "demo.sh")


class DemoTest(unittest.TestCase):
    def test_demo_without_bc(self):
        with tempfile.TemporaryDirectory() as tmp:
            # A bc that leaves a mark and fails as a missing command would.
            fake = os.path.join(tmp, "bc")
            mark = os.path.join(tmp, "bc-was-called")
            with open(fake, "w") as f:
                f.write("#!/bin/sh\ntouch '%s'\nexit 127\n" % mark)
            os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
            env = dict(os.environ, PATH=tmp + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
                       BUILD_DIR=os.path.dirname(os.path.abspath(BIN)), DEMO_MIB="8")
            proc = subprocess.run(["bash", DEMO], capture_output=True, text=True, timeout=300, env=env)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertFalse(os.path.exists(mark), "demo.sh called bc")
        out = proc.stdout
        for n in (1, 2):
            m = re.search(r"^leech %d: verified copy.* 8 MiB in (\d+\.\d\d) s \((\d+\.\d\d) MiB/s\)$" % n, out, re.M)
            self.assertIsNotNone(m, out)
            secs, rate = float(m.group(1)), float(m.group(2))
            self.assertGreater(rate, 0, out)
            # Both figures are truncated to hundredths: the rate is 8 MiB over a time in [secs, secs + 0.01).
            self.assertGreaterEqual(rate, 8 / (secs + 0.01) - 0.01, out)
            if secs > 0:
                self.assertLessEqual(rate, 8 / secs, out)
        total = re.search(r"^== both leeches done in (\d+\.\d\d) s\b", out, re.M)
        self.assertIsNotNone(total, out)
        self.assertGreater(float(total.group(1)), 0, out)
        self.assertNotIn("command not found", proc.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
