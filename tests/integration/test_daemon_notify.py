"""shoald and its service manager (sd_notify, the unit's Type=notify): READY=1 once the RPC answers, RELOADING=1
then READY=1 around a SIGHUP reload, STOPPING=1 at SIGTERM. The test plays systemd: it binds the datagram socket
named by NOTIFY_SOCKET and reads what shoald sends there."""
import os
import signal
import socket
import time
import unittest
import urllib.error
import urllib.request

from shoald_testlib import start_shoald
from swarm_testlib import SwarmTestCase, bin_path, free_port, log_text

BOUND = 30
BUILD = os.path.dirname(os.path.dirname(os.path.abspath(bin_path("shoald"))))  # bin/ sits in the build folder


def unit_type():
    with open(os.path.join(BUILD, "shoald.service")) as f:
        for line in f:
            if line.startswith("Type="):
                return line.strip().split("=", 1)[1]
    return None


class DaemonNotify(SwarmTestCase):
    def setUp(self):
        super().setUp()
        self.sock_path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.addCleanup(self.sock.close)

    def states(self, until, timeout=BOUND):
        """Datagrams (as KEY=VALUE dicts) until one holds `until`; fails after `timeout` seconds."""
        got = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            fields = dict(line.split("=", 1) for line in data.split("\n") if "=" in line)
            got.append(fields)
            if until in fields:
                return got
        self.fail("no %s within %d s; got %r" % (until, timeout, got))

    def test_ready_reload_stopping(self):
        self.assertEqual(unit_type(), "notify", "shoald speaks the notify protocol itself: the unit is always Type=notify")
        rpc_port = free_port()
        env = dict(os.environ, NOTIFY_SOCKET=self.sock_path)
        p, rpc_port = start_shoald(self.procs, self.dir, rpc_port=rpc_port, env=env)
        ready = self.states("READY")[-1]
        self.assertEqual(ready["READY"], "1")
        self.assertIn("STATUS", ready)
        # READY means the RPC answers: a request right after it gets the CSRF handshake.
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/transmission/rpc" % rpc_port, timeout=10)
            self.fail("expected 409")
        except urllib.error.HTTPError as e:
            self.assertEqual(e.code, 409)

        p.send_signal(signal.SIGHUP)
        got = self.states("READY")
        self.assertTrue(any(g.get("RELOADING") == "1" for g in got), got)

        p.send_signal(signal.SIGTERM)
        got = self.states("STOPPING")
        self.assertEqual(got[-1]["STOPPING"], "1")
        self.assertEqual(p.wait(timeout=BOUND), 0, log_text(p))


if __name__ == "__main__":
    unittest.main()
