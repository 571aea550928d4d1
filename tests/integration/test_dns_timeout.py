"""A tracker whose name never resolves costs the announce timeout, not the DNS server's: inside a namespace whose
resolv.conf names a nameserver that never answers, `announce --timeout 2` gives up on each tracker after 2 s and
the process exits at once (a lookup left running must not hold the exit). Skips where namespaces cannot be made."""
import os
import secrets
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import netns  # noqa: E402
from swarm_testlib import bin_path  # noqa: E402

REASON = netns.unsupported_reason()


@unittest.skipIf(REASON is not None, "netns unavailable: %s" % REASON)
class DnsTimeout(unittest.TestCase):
    def setUp(self):
        self.ns = "shoal-dns-" + secrets.token_hex(3)
        self.etc = os.path.join("/etc/netns", self.ns)  # `ip netns exec` bind-mounts its files over /etc
        subprocess.run(["ip", "netns", "add", self.ns], check=True, timeout=20)
        os.makedirs(self.etc)
        with open(os.path.join(self.etc, "resolv.conf"), "w") as f:
            f.write("nameserver 10.77.9.9\noptions timeout:5 attempts:2\n")  # 10 s per lookup, never answered
        for cmd in (["link", "set", "lo", "up"], ["route", "add", "default", "dev", "lo"]):
            subprocess.run(["ip", "-n", self.ns, *cmd], check=True, timeout=20)

    def tearDown(self):
        subprocess.run(["ip", "netns", "del", self.ns], timeout=20)
        shutil.rmtree(self.etc, ignore_errors=True)

    def test_unresolvable_trackers_cost_the_timeout_only(self):
        cmd = ["ip", "netns", "exec", self.ns, os.path.abspath(bin_path("announce")),
               "--tracker", "http://tracker.invalid-shoal.example:6969/announce",
               "--tracker", "udp://tracker.invalid-shoal.example:6969/announce",
               "--info-hash", "0123456789abcdef0123456789abcdef01234567", "--timeout", "2"]
        started = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        took = time.monotonic() - started
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("resolve tracker.invalid-shoal.example: timed out", r.stderr)
        # Two trackers, 2 s each; the DNS server would have kept each lookup 10 s.
        self.assertLess(took, 7, "took %.1f s: %s" % (took, r.stderr))


if __name__ == "__main__":
    unittest.main()
