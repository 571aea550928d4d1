"""Self-check of tests/lib/netns.py: three namespace hosts reach each other and vanish at teardown; shaping
applies what it says; the TAP relay (Network(relay=True), tests/lib/tap_relay.py) makes delay that shows in the
round-trip time, drops frames, and dies with the network, even when its parent is killed.
Skips (with the reason) where namespaces cannot be made: not root, no CAP_NET_ADMIN, no iproute2."""
import os
import shutil
import subprocess
import sys
import time
import unittest
import unittest.mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import netns  # noqa: E402

REASON = netns.unsupported_reason()
RECEIVER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 9999))
print("bound", flush=True)
s.settimeout(2)
n = 0
try:
    while True:
        s.recv(100)
        n += 1
except socket.timeout:
    pass
print(n)
"""
SENDER = """
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(400):
    s.sendto(b"x", (sys.argv[1], 9999))
    time.sleep(0.001)
"""


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

    def test_loss_drops_about_the_share_asked(self):
        self.check_loss(relay=False)

    def test_relay_loss_drops_about_the_share_asked(self):
        self.check_loss(relay=True)

    def check_loss(self, relay):
        with netns.Network(2, relay=relay) as net:
            if relay and net.relay_reason:
                self.skipTest("no TAP relay here: %s" % net.relay_reason)
            # Resolve the neighbours first: a lost ARP request would hold back the first datagrams for a second.
            self.assertTrue(net.hosts[0].ping(net.hosts[1].address))
            shaped = net.shape(1, loss_pct=50)
            if "loss" not in shaped.applied:
                self.skipTest("no way to make loss here: %s" % shaped.message)
            # 400 datagrams from host 1 to host 2: about half arrive (binomial: 150..250 is > 99.99 %).
            receiver = net.hosts[1].popen(
                [sys.executable, "-c", RECEIVER, net.hosts[1].address], stdout=subprocess.PIPE, text=True)
            # Python starts slowly on a loaded machine: send only once the receiver listens.
            self.assertEqual(receiver.stdout.readline().strip(), "bound")
            net.hosts[0].run([sys.executable, "-c", SENDER, net.hosts[1].address], timeout=30)
            out, _ = receiver.communicate(timeout=30)
            self.assertTrue(150 <= int(out) <= 250, "%s of 400 datagrams arrived at 50 %% loss" % out)

    def test_shaping_applies_or_says_what_is_missing(self):
        with netns.Network(2) as net:
            shaped = net.shape(1, rate_kbit=8000, delay_ms=20, loss_pct=0.5)
            self.assertIn("rate", shaped.applied)
            if shaped.qdisc == "tbf":  # no netem: delay cannot be made; loss comes from nftables where it exists
                expected = ["delay"] if shutil.which("nft") else ["delay", "loss"]
                self.assertEqual(shaped.missing, expected, shaped.message)
                self.assertIn("NOT applied", shaped.message)
            qdisc = net.hosts[0].run(["tc", "qdisc", "show", "dev", "eth0"]).stdout
            self.assertIn(shaped.qdisc, qdisc)
            # 0.5 % loss now applies, to the ARP frames too: one echo in a hundred or so is lost, so allow retries.
            self.assertTrue(any(net.hosts[0].ping(net.hosts[1].address) for _ in range(4)))


    def test_relay_shaping_leaves_nothing_missing(self):
        with netns.Network(2, relay=True) as net:
            if net.relay_reason:
                self.skipTest("no TAP relay here: %s" % net.relay_reason)
            shaped = net.shape(1, rate_kbit=8000, delay_ms=20, loss_pct=0.5)
            self.assertEqual(shaped.missing, [], shaped.message)
            self.assertEqual(sorted(shaped.applied), ["delay", "loss", "rate"])
            self.assertIn(shaped.qdisc, net.hosts[0].run(["tc", "qdisc", "show", "dev", "eth0"]).stdout)

    def test_relay_delay_shows_in_round_trip_time(self):
        with netns.Network(2, relay=True) as net:
            if net.relay_reason:
                self.skipTest("no TAP relay here: %s" % net.relay_reason)
            a, b = net.hosts
            self.assertEqual(a.run(["ip", "-d", "link", "show", "eth0"]).stdout.count("tun type tap"), 1)
            plain = [r for r in a.rtt_ms(b.address, count=5) if r is not None]
            self.assertGreaterEqual(len(plain), 4, plain)
            self.assertLess(sorted(plain)[len(plain) // 2], 10, "relay without delay: RTTs %r ms" % plain)
            for h in net.hosts:  # 20 ms each way: the echo leaves host 1 (20 ms), the reply leaves host 2 (20 ms)
                net.shape(h.index, delay_ms=20)
            delayed = [r for r in a.rtt_ms(b.address, count=5) if r is not None]
            print("relay RTT between two hosts: %s ms plain, %s ms with 20 ms delay on both links"
                  % (plain, delayed), file=sys.stderr)
            self.assertGreaterEqual(len(delayed), 4, delayed)
            for rtt in delayed:
                self.assertTrue(35 <= rtt < 200, "RTTs %r ms with 20 ms delay on both links" % delayed)
            net.unshape(1)
            net.unshape(2)
            self.assertLess(min(r for r in a.rtt_ms(b.address, count=3) if r is not None), 10)

    def test_relay_dies_with_the_network_and_with_its_parent(self):
        with netns.Network(1, relay=True) as net:
            if net.relay_reason:
                self.skipTest("no TAP relay here: %s" % net.relay_reason)
            relay = net.hosts[0].relay.proc
        self.assertIsNotNone(relay.poll())
        # A test killed outright (no teardown at all): the relay sees its stdin end and exits by itself.
        child = subprocess.Popen([sys.executable, "-c", ORPHANING], stdout=subprocess.PIPE, text=True,
                                 env=dict(os.environ, PYTHONPATH=os.path.dirname(netns.__file__)))
        try:
            prefix, pid = child.stdout.readline().split()
            child.kill()
            child.wait(timeout=10)
            deadline = time.monotonic() + 10
            while os.path.exists("/proc/%s" % pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            alive = os.path.exists("/proc/%s" % pid) and "Z" not in open("/proc/%s/stat" % pid).read().split()[2]
            self.assertFalse(alive, "relay %s outlived its killed parent" % pid)
        finally:
            child.kill()
            child.wait(timeout=10)
            for ns in namespaces().split():
                if ns.startswith(prefix + "-"):
                    subprocess.run(["ip", "netns", "del", ns], timeout=20)

    def test_relay_that_cannot_start_falls_back_to_veth(self):
        real = netns.tap_relay.RelayProcess
        # A name the kernel refuses ("/" is not allowed): the relay process really fails and says why.
        with unittest.mock.patch.object(netns.tap_relay, "RelayProcess",
                                        lambda host_tap, port, namespace: real("bad/" + host_tap, port, namespace)):
            with netns.Network(2, relay=True) as net:
                self.assertIn("did not start", net.relay_reason or "")
                self.assertIsNone(net.hosts[0].relay)
                self.assertTrue(net.hosts[0].ping(net.hosts[1].address))
                shaped = net.shape(1, rate_kbit=8000, delay_ms=20)
                if shaped.qdisc == "tbf":
                    self.assertEqual(shaped.missing, ["delay"], shaped.message)
                    self.assertIn("no TAP relay: ", shaped.message)


ORPHANING = """
import time, netns
net = netns.Network(1, relay=True).up()
print(net.prefix, net.hosts[0].relay.proc.pid, flush=True)
time.sleep(60)
"""


if __name__ == "__main__":
    unittest.main()
