"""shoald with users: 401 + WWW-Authenticate Basic without credentials (none for the web UI's X-Shoal-Web), Basic
and the shoal_session cookie (/login, /whoami, /logout), failed logins slowed, a user added or removed while the
daemon runs counts at once, and a non-loopback bind without users is refused at start."""
import base64
import json
import subprocess
import time
import unittest

from shoald_testlib import RpcClient, start_shoald, stop_shoald
from swarm_testlib import SwarmTestCase, bin_path, free_port, log_text


def user(state, *args, password=None):
    return subprocess.run([bin_path("shoald"), "user", *args, "--state-dir", state], input=password,
                          capture_output=True, text=True, timeout=60)


class DaemonAuth(SwarmTestCase):
    def setUp(self):
        super().setUp()
        self.state = self.path("shoald-state")
        r = user(self.state, "add", "alice", password="s3cret pass\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.daemon, self.port = start_shoald(self.procs, self.dir)

    def tearDown(self):
        if self.daemon.poll() is None:
            self.assertEqual(stop_shoald(self.daemon), 0, log_text(self.daemon)[-3000:])
        super().tearDown()

    def raw(self, method, path, body=b"", **headers):
        c = RpcClient(self.port)
        try:
            return c.raw(method, path, body, dict({"Host": "localhost"}, **headers))
        finally:
            c.close()

    def basic(self, name, pw):
        return "Basic " + base64.b64encode(("%s:%s" % (name, pw)).encode()).decode()

    def test_basic_auth_and_the_handshake(self):
        status, hdrs, _ = self.raw("POST", "/transmission/rpc", b'{"method":"session-get"}')
        self.assertEqual(status, 401)
        self.assertEqual(hdrs["www-authenticate"], 'Basic realm="shoald"')
        status, hdrs, _ = self.raw("POST", "/transmission/rpc", b'{"method":"session-get"}', **{"X-Shoal-Web": "1"})
        self.assertEqual(status, 401)
        self.assertNotIn("www-authenticate", hdrs)

        good = RpcClient(self.port, auth=("alice", "s3cret pass"))
        self.addCleanup(good.close)
        self.assertEqual(good.call("session-get")["rpc-version"], 16)
        bad = RpcClient(self.port, auth=("alice", "wrong"))
        self.addCleanup(bad.close)
        started = time.monotonic()
        for _ in range(3):
            status, _, _ = bad.post(b'{"method":"session-get"}')
            self.assertEqual(status, 401)
        self.assertGreaterEqual(time.monotonic() - started, 0.25 + 0.5 + 1.0 - 0.05)  # slowed down, doubling
        self.assertIn("failed login from 127.0.0.1", log_text(self.daemon))

        # Users added and removed while it runs count at once.
        r = user(self.state, "add", "bob", password="hunter22\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        bob = RpcClient(self.port, auth=("bob", "hunter22"))
        self.addCleanup(bob.close)
        self.assertIn("rpc-version", bob.call("session-get"))
        self.assertEqual(user(self.state, "list").stdout.split(), ["alice", "bob"])
        self.assertEqual(user(self.state, "remove", "bob").returncode, 0)
        status, _, _ = bob.post(b'{"method":"session-get"}')
        self.assertEqual(status, 401)
        r = user(self.state, "remove", "nobody")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("nobody", r.stderr)

    def test_cookie_login_whoami_logout(self):
        status, _, data = self.raw("GET", "/whoami")
        self.assertEqual(json.loads(data), {"auth_required": True, "username": None})
        status, hdrs, data = self.raw("POST", "/login", b'{"username":"alice","password":"nope"}',
                                      **{"Content-Type": "application/json"})
        self.assertEqual((status, json.loads(data)["ok"]), (401, False))
        self.assertNotIn("www-authenticate", hdrs)
        self.assertNotIn("set-cookie", hdrs)
        status, hdrs, data = self.raw("POST", "/login", b'{"username":"alice","password":"s3cret pass"}',
                                      **{"Content-Type": "application/json"})
        self.assertEqual((status, json.loads(data)), (200, {"ok": True, "username": "alice"}))
        cookie = hdrs["set-cookie"]
        self.assertRegex(cookie, r"^shoal_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/$")
        token = cookie.split(";")[0]
        status, _, data = self.raw("GET", "/whoami", Cookie=token)
        self.assertEqual(json.loads(data), {"auth_required": True, "username": "alice"})
        status, hdrs, _ = self.raw("POST", "/transmission/rpc", b'{"method":"session-get"}', Cookie=token)
        self.assertEqual(status, 409)  # the cookie authenticates; the CSRF handshake still applies
        sid = hdrs["x-transmission-session-id"]
        status, _, data = self.raw("POST", "/transmission/rpc", b'{"method":"session-get"}', Cookie=token,
                                   **{"X-Transmission-Session-Id": sid})
        self.assertEqual((status, json.loads(data)["result"]), (200, "success"))
        status, hdrs, _ = self.raw("POST", "/logout", Cookie=token)
        self.assertEqual(status, 200)
        self.assertIn("Max-Age=0", hdrs["set-cookie"])
        status, _, _ = self.raw("POST", "/transmission/rpc", b'{"method":"session-get"}', Cookie=token,
                                **{"X-Transmission-Session-Id": sid})
        self.assertEqual(status, 401)


class NonLoopbackBind(SwarmTestCase):
    def test_refused_without_users(self):
        p = self.procs.start("shoald", [bin_path("shoald"), "--state-dir", self.path("s"), "--download-dir",
                                        self.path("d"), "--rpc-bind", "0.0.0.0", "--rpc-port", str(free_port()),
                                        "--peer-port", str(free_port())])
        self.assertEqual(p.wait(timeout=30), 1)
        self.assertIn("is not a loopback address and no user exists", log_text(p))


if __name__ == "__main__":
    unittest.main()
