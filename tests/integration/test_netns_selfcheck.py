"""Self-check of tests/lib/netns.py: three namespace hosts reach each other and vanish at teardown.
Skips (with the reason) where namespaces cannot be made: not root, no CAP_NET_ADMIN, no iproute2."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import netns  # noqa: E402

REASON = netns.unsupported_reason()


def namespaces():
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=20).stdout


@unittest.skipIf(REASON is not None, "netns unavailable: %s" % REASON)
class NetnsSelfCheck(unittest.TestCase):
    def test_three_hosts_reach_each_other_and_are_removed(self):
        with netns.Network(3) as net:
            self.assertEqual([h.address for h in net.hosts], ["10.77.0.1", "10.77.0.2", "10.77.0.3"])
            for a in net.hosts:
                for b in net.hosts:
                    if a is not b:
                        self.assertTrue(a.ping(b.address), "%s -> %s" % (a, b.address))
            self.assertFalse(net.hosts[0].ping("10.77.0.200", timeout_s=1))  # nobody there
            # The addresses live only inside the namespaces, never on the machine itself.
            host_addrs = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True, timeout=20).stdout
            self.assertNotIn("10.77.0.", host_addrs)
            names = [h.namespace for h in net.hosts] + [net.bridge_namespace]
            listed = namespaces()
            for n in names:
                self.assertIn(n, listed)
            sleeper = net.hosts[1].popen(["sleep", "600"])
        self.assertIsNotNone(sleeper.poll())  # killed at teardown
        listed = namespaces()
        for n in names:
            self.assertNotIn(n, listed)

    def test_failed_build_leaves_nothing(self):
        net = netns.Network(2, subnet="10.77.300")  # not an address: fails after the namespaces exist
        with self.assertRaises(netns.NetnsError) as ctx:
            net.up()
        self.assertIn("addr add", str(ctx.exception))
        self.assertNotIn(net.prefix, namespaces())

    def test_shaping_applies_or_says_what_is_missing(self):
        with netns.Network(2) as net:
            shaped = net.shape(1, rate_kbit=8000, delay_ms=20, loss_pct=0.5)
            self.assertIn("rate", shaped.applied)
            if shaped.qdisc == "tbf":
                self.assertEqual(shaped.missing, ["delay", "loss"])
                self.assertIn("NOT applied", shaped.message)
            qdisc = net.hosts[0].run(["tc", "qdisc", "show", "dev", "eth0"]).stdout
            self.assertIn(shaped.qdisc, qdisc)
            self.assertTrue(net.hosts[0].ping(net.hosts[1].address))


if __name__ == "__main__":
    unittest.main()
