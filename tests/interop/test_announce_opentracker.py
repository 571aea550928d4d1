"""The announce client against opentracker over HTTP and UDP (BEP 3, 15), with fallback
past a refusing UDP tracker and an https URL."""
import os
import socket
import subprocess
import tempfile
import time
import unittest

from ports import free_tcp_udp_port as free_port

BIN = os.environ.get("SHOAL_BIN", "build/bin")
INFO_HASH = "0123456789abcdef0123456789abcdef01234567"


def wait_listening(port, deadline):
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("opentracker did not start")


class AnnounceOpentracker(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        whitelist = os.path.join(self.tmp.name, "whitelist")
        with open(whitelist, "w") as f:
            f.write(INFO_HASH + "\n")
        # opentracker drops root privileges before reading the whitelist.
        os.chmod(self.tmp.name, 0o755)
        os.chmod(whitelist, 0o644)
        self.port = free_port()
        # Debian's opentracker is built with a whitelist: the test torrent must be on it.
        self.tracker = subprocess.Popen(
            ["opentracker", "-i", "127.0.0.1", "-p", str(self.port), "-P", str(self.port),
             "-w", whitelist],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # addCleanup, unlike tearDown, also runs when setUp itself fails.
        self.addCleanup(self.stop_tracker)
        wait_listening(self.port, time.monotonic() + 10)
        # opentracker reads its whitelist in the background after it starts listening.
        deadline = time.monotonic() + 20
        while True:
            rc, _, err = self.announce(f"http://127.0.0.1:{self.port}/announce", port=7000)
            if rc == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(rc, 0, err)

    def stop_tracker(self):
        self.tracker.kill()
        self.tracker.wait(timeout=10)

    def announce(self, *trackers, port):
        args = [os.path.join(BIN, "announce"), "--info-hash", INFO_HASH, "--port", str(port),
                "--timeout", "2"]
        for t in trackers:
            args += ["--tracker", t]
        done = subprocess.run(args, capture_output=True, text=True, timeout=60)
        return done.returncode, done.stdout.split(), done.stderr

    def test_http_and_udp_peers(self):
        http = f"http://127.0.0.1:{self.port}/announce"
        udp = f"udp://127.0.0.1:{self.port}/announce"
        rc, peers, err = self.announce(http, port=7001)
        self.assertEqual(rc, 0, err)
        rc, peers, err = self.announce(udp, port=7002)
        self.assertEqual(rc, 0, err)
        self.assertIn("127.0.0.1:7001", peers)
        self.assertIn("127.0.0.1:7000", peers)
        rc, peers, err = self.announce(http, port=7003)
        self.assertEqual(rc, 0, err)
        self.assertIn("127.0.0.1:7002", peers)

    def test_fallback_and_clear_error(self):
        refused = f"udp://127.0.0.1:{free_port()}"
        http = f"http://127.0.0.1:{self.port}/announce"
        rc, peers, err = self.announce(refused, "https://127.0.0.1/a", http, port=7010)
        self.assertEqual(rc, 0, err)
        self.assertIn("127.0.0.1:7010", peers)
        self.tracker.kill()
        self.tracker.wait(timeout=10)  # stop_tracker's kill and wait are harmless afterwards
        rc, peers, err = self.announce(http, "https://127.0.0.1/a", port=7011)
        self.assertEqual(rc, 1)
        self.assertIn("no tracker answered", err)
        self.assertIn("https trackers are not supported", err)


if __name__ == "__main__":
    unittest.main()
