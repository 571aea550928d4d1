"""A Transmission magnet leech fetches the metadata (BEP 9 over BEP 10) and then the data from our seed.
Transmission 3.00 will not dial a peer on 127.0.0.0/8 (it takes the tracker's peer and never connects), so the
three take hosts of their own (tests/lib/netns.py: namespaces on a bridge, 10.77.0.N): our tracker and our seed on
one host, transmission-daemon on the other, driven by transmission-remote run inside its namespace.
Skips with the reason where namespaces cannot be made (not root, no CAP_NET_ADMIN, no iproute2)."""
import os
import re
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import netns  # noqa: E402
from hosts_testcase import HostsTestCase  # noqa: E402
from swarm_testlib import (bin_path, log_text, make_torrent, same_file, wait_for_log,  # noqa: E402
                           write_random_file)

REASON = netns.unsupported_reason()
TRANSMISSION = shutil.which("transmission-daemon")
REMOTE = shutil.which("transmission-remote")
MiB = 1024 * 1024
TRACKER_PORT = 6969   # fixed ports, as on real machines: nothing else listens in these namespaces
SEED_PORT = 6881
RPC_PORT = 9091
PEER_PORT = 51413
BOUND = 120


@unittest.skipIf(REASON is not None, "netns unavailable: %s" % REASON)
@unittest.skipUnless(TRANSMISSION and REMOTE, "transmission-daemon / transmission-remote not installed")
class TransmissionMagnet(HostsTestCase):
    HOSTS = 2

    def remote(self, *args):
        r = self.net.hosts[1].run([REMOTE, "%s:%d" % (self.net.hosts[1].address, RPC_PORT), *args], timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def test_transmission_magnet_leech_from_our_seed(self):
        ours, theirs = self.net.hosts
        data = self.path("data", "sample.bin")
        write_random_file(data, 3 * MiB + 4321, seed=41)
        announce = "http://%s:%d/announce" % (ours.address, TRACKER_PORT)
        torrent = self.path("t.torrent")
        info_hash = make_torrent(data, torrent, 64 * 1024, announce)
        tracker = self.procs.start("tracker", ours.command([os.path.abspath(bin_path("tracker")), "--host", ours.address,
                                                            "--port", str(TRACKER_PORT), "--interval", "2",
                                                            "--min-interval", "1"]))
        wait_for_log(tracker, r"tracker listening on", 30)
        seed = self.procs.start("seed", ours.command([os.path.abspath(bin_path("seed")), torrent, "--data", data,
                                                      "--host", ours.address, "--port", str(SEED_PORT), "--no-dht",
                                                      "--log-level", "debug"]))
        wait_for_log(seed, r"listening on", 30)
        out = self.path("out")
        os.makedirs(out)
        daemon = self.procs.start("transmission", theirs.command([
            TRANSMISSION, "-f", "-g", self.path("transmission"), "-p", str(RPC_PORT), "-P", str(PEER_PORT), "-T",
            "-r", theirs.address, "-a", "10.77.0.*", "-w", out, "--no-dht", "--no-lpd", "--no-portmap"]))
        deadline = time.time() + 30
        while self.net.hosts[1].run([REMOTE, "%s:%d" % (theirs.address, RPC_PORT), "-si"], timeout=30).returncode:
            self.assertLess(time.time(), deadline, log_text(daemon))
            time.sleep(0.5)
        # The magnet names only the info-hash and our tracker: the metadata can come from our seed alone.
        self.remote("-a", "magnet:?xt=urn:btih:%s&tr=%s" % (info_hash, announce))
        deadline = time.time() + BOUND
        listing = ""
        while time.time() < deadline:
            listing = self.remote("-l")
            if re.search(r"\s100%\s", listing):
                break
            time.sleep(1)
        self.assertRegex(listing, r"\s100%\s", log_text(seed)[-3000:])
        self.assertIn("sample.bin", listing)  # the name came with the metadata (the magnet has no dn)
        self.assertTrue(same_file(data, os.path.join(out, "sample.bin")))
        self.assertRegex(log_text(seed), r"metadata|ut_metadata")


if __name__ == "__main__":
    unittest.main()
