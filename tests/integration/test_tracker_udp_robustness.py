"""What a hostile or clumsy UDP client cannot do to the tracker: random, short, oversized
and replayed datagrams, made-up connection ids, a 1,000-hash scrape, a flood from one
source. Afterwards the tracker still answers a valid announce within a second, and its
memory stayed bounded."""
import os
import random
import socket
import struct
import time
import unittest

from tracker_testlib import UDP_PROTOCOL_ID, Tracker, UdpClient, UdpTrackerError


def pid(n):
    return f"-PY0002-{n:012d}".encode()


def rss_kib(proc):
    with open(f"/proc/{proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def replies(sock, wait=0.5):
    """Every datagram that arrives on `sock` within `wait` seconds of the last one."""
    got = []
    sock.settimeout(wait)
    try:
        while True:
            got.append(sock.recv(65536))
    except socket.timeout:
        return got


class HostileUdp(unittest.TestCase):
    def setUp(self):
        self.t = Tracker()
        self.addCleanup(self.t.stop)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(self.sock.close)
        self.addr = ("127.0.0.1", self.t.port)

    def assert_answers_within_a_second(self):
        """A fresh client connects and announces, all within one second (retrying lost
        datagrams every 0.2 s, as a client would)."""
        start = time.monotonic()
        with UdpClient(self.t.port, timeout=0.2) as c:
            while True:
                self.assertLess(time.monotonic() - start, 1.0, "no valid announce answered within 1 s")
                try:
                    conn = c.connect()
                    r = c.announce(conn, b"\x42" * 20, pid(1), 6881, 1)
                    break
                except socket.timeout:
                    continue
        self.assertGreaterEqual(r["leechers"], 1)
        self.assertIsNone(self.t.proc.poll(), "tracker died")

    def test_random_short_and_oversized_datagrams(self):
        rng = random.Random(15)
        for _ in range(2000):
            self.sock.sendto(rng.randbytes(rng.randint(0, 1500)), self.addr)
        for n in range(16):
            self.sock.sendto(b"\x00" * n, self.addr)
        self.sock.sendto(os.urandom(65000), self.addr)
        got = replies(self.sock)
        # Random bytes are never a connect (no protocol id), so at most errors come back.
        for g in got:
            self.assertEqual(g[:4], b"\x00\x00\x00\x03", g)
            self.assertIn(b"connection id", g)
        self.sock.sendto(b"\x00" * 15, self.addr)
        self.assertEqual(replies(self.sock), [], "no reply to what has no transaction id")
        self.assert_answers_within_a_second()

    def test_made_up_ids_and_oversized_requests_get_errors(self):
        rng = random.Random(16)
        with UdpClient(self.t.port) as c:
            for _ in range(50):
                with self.assertRaisesRegex(UdpTrackerError, "unknown or expired connection id"):
                    c.announce(rng.getrandbits(64), os.urandom(20), pid(2), 6881, 1)
            conn = c.connect()
            head = struct.pack(">QII", conn, 2, 99)
            reply = c.request(head + os.urandom(20) * 1000)  # 1,000 hashes in one datagram
            self.assertEqual(reply[:8], struct.pack(">II", 3, 99))
            self.assertIn(b"at most 74 info-hashes", reply)
            self.assertEqual(len(c.scrape(conn, [os.urandom(20) for _ in range(74)])), 74)
            with self.assertRaisesRegex(UdpTrackerError, "at most 74 a packet"):
                c.scrape(conn, [os.urandom(20) for _ in range(75)])
            reply = c.request(struct.pack(">QII", conn, 1, 7) + os.urandom(40000))
            self.assertEqual(reply[:4], b"\x00\x00\x00\x03", "oversized announce: an error")
            reply = c.request(struct.pack(">QII", conn, 9, 5))
            self.assertEqual(reply, struct.pack(">II", 3, 5) + b"unknown action 9")
        _, _, stats = self.t.get("/stats")
        self.assertIn(b'"peers":0', stats, "no made-up id recorded a peer")

    def test_replayed_datagrams(self):
        with UdpClient(self.t.port) as c:
            conn = c.connect()
            packet = c.announce_packet(conn, b"\x11" * 20, pid(3), 6881, 0)
            for _ in range(200):
                self.sock.sendto(packet, self.addr)
            got = replies(self.sock)
        self.assertGreater(len(got), 100)
        for g in got:
            self.assertEqual(g[:4], b"\x00\x00\x00\x01")
            self.assertEqual(struct.unpack(">II", g[12:20]), (0, 1), "a replay is the same peer")
        _, _, stats = self.t.get("/stats")
        self.assertIn(b'"peers":1', stats)

    def test_flood_from_one_source(self):
        with UdpClient(self.t.port) as c:
            conn = c.connect()
            valid = [c.announce_packet(conn, os.urandom(20), pid(n), 6881, 1) for n in range(3000)]
        base = rss_kib(self.t.proc)
        connect = struct.pack(">QII", UDP_PROTOCOL_ID, 0, 1)
        bogus = struct.pack(">QII", 7, 1, 1) + bytes(82)
        self.sock.setblocking(False)
        sent, deadline = 0, time.monotonic() + 10
        mix = [connect, bogus, os.urandom(100)]
        while sent < 60000 and time.monotonic() < deadline:
            try:
                self.sock.sendto(valid[sent % 3000] if sent % 4 == 3 else mix[sent % 3], self.addr)
            except BlockingIOError:
                time.sleep(0.001)
                continue
            sent += 1
        self.assertGreater(sent, 10000)
        self.assert_answers_within_a_second()
        grown = rss_kib(self.t.proc) - base
        self.assertLess(grown, 32 * 1024, f"RSS grew {grown} KiB under the flood")
        _, _, stats = self.t.get("/stats")
        self.assertIn(b'"udp_errors":', stats)


if __name__ == "__main__":
    unittest.main()
