"""What a hostile or clumsy client cannot do to the tracker: oversize heads, bodies,
slowloris, too many connections, garbage; plus keep-alive, SIGHUP reload, SIGTERM."""
import os
import signal
import socket
import tempfile
import time
import unittest

from tracker_testlib import Tracker, announce_target, bdecode, parse_response

H1 = bytes(range(20))
H2 = bytes(range(40, 60))


def pid(n):
    return f"-PY0001-{n:012d}".encode()


def read_all(s, timeout=10.0):
    s.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return data


def still_serving(t):
    status, _, body = t.get("/stats")
    return status == 200 and body.startswith(b"{")


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Tracker("--request-timeout", "2", "--max-connections", "20")

    @classmethod
    def tearDownClass(cls):
        cls.t.stop()

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.t.port), timeout=10)

    def test_oversize_request_line_and_headers(self):
        with self.connect() as s:
            s.sendall(b"GET /announce?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            data = read_all(s)
        self.assertTrue(data == b"" or parse_response(data)[0] == 431, data[:100])
        with self.connect() as s:
            s.sendall(b"GET /stats HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n")
            data = read_all(s)
        self.assertTrue(data == b"" or parse_response(data)[0] == 431, data[:100])
        self.assertTrue(still_serving(self.t))

    def test_request_body_refused(self):
        with self.connect() as s:
            s.sendall(b"GET /stats HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            self.assertEqual(parse_response(read_all(s))[0], 413)
        with self.connect() as s:
            s.sendall(b"POST /announce HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
            self.assertEqual(parse_response(read_all(s))[0], 413)
        self.assertTrue(still_serving(self.t))

    def test_slowloris_dropped_others_served(self):
        slow = self.connect()
        try:
            slow.sendall(b"GET /stats HTTP/1.1\r\nHost: x\r\n")
            start = time.monotonic()
            # While the slow client dawdles, others are answered at once.
            for _ in range(5):
                self.assertTrue(still_serving(self.t))
                slow.sendall(b"X-Drip: 1\r\n")
                time.sleep(0.3)
            data = read_all(slow, timeout=10)
            elapsed = time.monotonic() - start
            self.assertEqual(data, b"")
            self.assertLess(elapsed, 8, "slow client was not dropped within the request timeout")
        finally:
            slow.close()

    def test_garbage_and_pipelined_keep_alive(self):
        for junk in (b"\x00\xff" * 100 + b"\r\n\r\n", b"GET\r\n\r\n", b"BREW /coffee HTCPCP/1.0\r\n\r\n",
                     os.urandom(3000)):
            with self.connect() as s:
                s.sendall(junk)
                data = read_all(s)
                if data:
                    self.assertIn(parse_response(data)[0], (400, 405))
        # Two requests in one write on one connection: two replies, in order.
        target = announce_target(H1, pid(1), 7001, 0)
        with self.connect() as s:
            s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\nGET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = read_all(s)
        first, rest = data.split(b"\r\n\r\n", 1)
        length = int([l for l in first.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
        self.assertIn(b"interval", bdecode(rest[:length]))
        self.assertEqual(parse_response(rest[length:])[0], 200)
        self.assertTrue(still_serving(self.t))


class Limits(unittest.TestCase):
    def test_connection_limit(self):
        with Tracker("--max-connections", "5", "--request-timeout", "30") as t:
            idle = [socket.create_connection(("127.0.0.1", t.port), timeout=10) for _ in range(5)]
            try:
                time.sleep(0.3)
                with socket.create_connection(("127.0.0.1", t.port), timeout=10) as extra:
                    extra.sendall(b"GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
                    self.assertEqual(read_all(extra), b"", "connection past the limit was served")
            finally:
                for s in idle:
                    s.close()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    if still_serving(t):
                        break
                except (OSError, IndexError):
                    pass
                time.sleep(0.1)
            self.assertTrue(still_serving(t))


class Signals(unittest.TestCase):
    def test_sighup_reloads_whitelist(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "whitelist.txt")
            with open(path, "w") as f:
                f.write("# allowed torrents\n" + H1.hex() + "\n")
            with Tracker("--whitelist", path) as t:
                self.assertIn(b"interval", t.announce(H1, pid(1), 7001, 1))
                self.assertEqual(t.announce(H2, pid(1), 7001, 1)[b"failure reason"], b"info_hash not in whitelist")
                with open(path, "w") as f:
                    f.write(H2.hex().upper() + "\n")
                t.proc.send_signal(signal.SIGHUP)
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    if b"interval" in t.announce(H2, pid(1), 7001, 1):
                        break
                    time.sleep(0.1)
                self.assertIn(b"interval", t.announce(H2, pid(1), 7001, 1))
                self.assertIn(b"failure reason", t.announce(H1, pid(1), 7001, 1))
                # A broken file keeps the last good list.
                with open(path, "w") as f:
                    f.write("zzz\n")
                t.proc.send_signal(signal.SIGHUP)
                time.sleep(0.5)
                self.assertIn(b"interval", t.announce(H2, pid(1), 7001, 1))
                self.assertIsNone(t.proc.poll())

    def test_blacklist(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "blacklist.txt")
            with open(path, "w") as f:
                f.write(H1.hex() + "\n")
            with Tracker("--blacklist", path) as t:
                self.assertEqual(t.announce(H1, pid(1), 7001, 1)[b"failure reason"], b"info_hash is blacklisted")
                self.assertIn(b"interval", t.announce(H2, pid(1), 7001, 1))

    def test_sigterm_and_sigint_shut_down(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with Tracker() as t:
                idle = socket.create_connection(("127.0.0.1", t.port), timeout=10)
                try:
                    t.announce(H1, pid(1), 7001, 1)
                    t.proc.send_signal(sig)
                    self.assertEqual(t.proc.wait(timeout=10), 0)
                    self.assertIn(b"shutting down", t.proc.stderr.read())
                finally:
                    idle.close()


if __name__ == "__main__":
    unittest.main()
