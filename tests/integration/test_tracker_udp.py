"""The tracker's UDP protocol (BEP 15) end to end on loopback: our announce client over
udp://, connect/announce/scrape, one swarm seen alike over HTTP and UDP, --udp-port moving
and turning off UDP, IPv6 requesters, and /stats and /metrics counting UDP."""
import json
import os
import socket
import subprocess
import unittest

from ports import free_tcp_udp_port
from tracker_testlib import BIN, Tracker, UdpClient, UdpTrackerError, compact_peers


def pid(n):
    return f"-PY0001-{n:012d}".encode()


def announce_cli(url, info_hash, port, *extra):
    """Our announce tool: (exit code, printed peers, stderr)."""
    done = subprocess.run([os.path.join(BIN, "announce"), "--tracker", url, "--info-hash",
                           info_hash.hex(), "--port", str(port), "--timeout", "5", *extra],
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.split(), done.stderr


def no_udp_reply(port, host="127.0.0.1"):
    """True when a connect to host:port gets no reply within a second."""
    with UdpClient(port, host, timeout=1.0) as c:
        try:
            c.connect()
        except (socket.timeout, ConnectionRefusedError):
            return True
    return False


class UdpOnTheHttpPort(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Tracker("--interval", "1200")

    @classmethod
    def tearDownClass(cls):
        cls.t.stop()

    def test_announce_client_over_udp(self):
        h = os.urandom(20)
        url = f"udp://127.0.0.1:{self.t.port}/announce"
        rc, peers, err = announce_cli(url, h, 7101, "--event", "started", "--left", "1000")
        self.assertEqual(rc, 0, err)
        self.assertEqual(peers, [], "the asker never gets itself")
        rc, peers, err = announce_cli(url, h, 7102, "--event", "started", "--left", "1000")
        self.assertEqual(rc, 0, err)
        self.assertEqual(peers, ["127.0.0.1:7101"])

    def test_connect_announce_scrape(self):
        h = os.urandom(20)
        with UdpClient(self.t.port) as c:
            conn = c.connect()
            r = c.announce(conn, h, pid(1), 7201, 0, event="started")
            self.assertEqual((r["interval"], r["seeders"], r["leechers"], r["peers"]),
                             (1200, 1, 0, []))
            r = c.announce(conn, h, pid(2), 7202, 50, numwant=10)
            self.assertEqual((r["seeders"], r["leechers"]), (1, 1))
            self.assertEqual(r["peers"], [("127.0.0.1", 7201)])
            c.announce(conn, h, pid(2), 7202, 0, event="completed")
            unknown = os.urandom(20)
            self.assertEqual(c.scrape(conn, [h, unknown]), [(2, 1, 0), (0, 0, 0)])
            c.announce(conn, h, pid(1), 7201, 0, event="stopped")
            self.assertEqual(c.scrape(conn, [h]), [(1, 1, 0)])

    def test_made_up_connection_id_is_an_error(self):
        with UdpClient(self.t.port) as c:
            conn = c.connect()
            with self.assertRaisesRegex(UdpTrackerError, "unknown or expired connection id"):
                c.announce(conn ^ 0xFFFF, os.urandom(20), pid(3), 7301, 5)
            with self.assertRaisesRegex(UdpTrackerError, "unknown or expired connection id"):
                c.scrape(12345, [os.urandom(20)])

    def test_http_and_udp_see_one_swarm(self):
        h = os.urandom(20)
        self.t.announce(h, pid(1), 7401, 0, compact=1)  # an HTTP seeder
        with UdpClient(self.t.port) as c:
            conn = c.connect()
            r = c.announce(conn, h, pid(2), 7402, 9)  # a UDP leecher
            self.assertEqual((r["seeders"], r["leechers"]), (1, 1))
            self.assertEqual(r["peers"], [("127.0.0.1", 7401)])
            http = self.t.announce(h, pid(3), 7403, 9, compact=1)
            self.assertEqual((http[b"complete"], http[b"incomplete"]), (1, 2))
            r = c.announce(conn, h, pid(4), 7404, 9)
            self.assertEqual((r["seeders"], r["leechers"]), (http[b"complete"], http[b"incomplete"] + 1),
                             "both count the asker the same way")
            self.assertEqual(c.scrape(conn, [h]), [(1, 0, 3)])

    def test_stats_and_metrics_count_udp(self):
        status, _, body = self.t.get("/stats")
        before = json.loads(body)
        with UdpClient(self.t.port) as c:
            conn = c.connect()
            c.announce(conn, os.urandom(20), pid(5), 7501, 1)
            c.scrape(conn, [os.urandom(20)])
            with self.assertRaises(UdpTrackerError):
                c.announce(0, os.urandom(20), pid(5), 7501, 1)
        _, _, body = self.t.get("/stats")
        after = json.loads(body)
        for key, grew in (("udp_connects", 1), ("udp_announces", 1), ("udp_scrapes", 1),
                          ("udp_errors", 1), ("announces", 1), ("scrapes", 1)):
            self.assertGreaterEqual(after[key] - before[key], grew, key)
        _, _, metrics = self.t.get("/metrics")
        self.assertIn(b"\nshoal_tracker_udp_announces_total ", metrics)
        self.assertIn(b"\nshoal_tracker_udp_errors_total ", metrics)


class UdpPortOption(unittest.TestCase):
    def test_udp_port_moves_udp(self):
        q = free_tcp_udp_port()
        with Tracker("--udp-port", str(q)) as t:
            with UdpClient(q) as c:
                conn = c.connect()
                r = c.announce(conn, os.urandom(20), pid(1), 7601, 1)
                self.assertEqual(r["leechers"], 1)
            self.assertTrue(no_udp_reply(t.port), "UDP left the HTTP port")
            self.assertEqual(t.get("/stats")[0], 200)

    def test_udp_port_zero_turns_udp_off(self):
        with Tracker("--udp-port", "0") as t:
            self.assertTrue(no_udp_reply(t.port))
            self.assertEqual(t.get("/stats")[0], 200)

    def test_threads_share_the_port(self):
        with Tracker("--threads", "3") as t:
            for n in range(12):  # several source ports: the kernel spreads them over sockets
                with UdpClient(t.port) as c:
                    c.announce(c.connect(), b"\x07" * 20, pid(n), 7700 + n, 1)
            with UdpClient(t.port) as c:
                self.assertEqual(c.scrape(c.connect(), [b"\x07" * 20]), [(0, 0, 12)])


class SharedSecret(unittest.TestCase):
    def test_processes_with_one_secret_accept_each_others_ids(self):
        with Tracker("--udp-secret", "one swarm") as a, Tracker("--udp-secret", "one swarm") as b, \
                Tracker("--udp-secret", "another") as c:
            with UdpClient(a.port) as ca, UdpClient(b.port) as cb, UdpClient(c.port) as cc:
                conn = ca.connect()
                r = cb.announce(conn, os.urandom(20), pid(1), 7901, 1)
                self.assertEqual(r["leechers"], 1, "b accepts a's id")
                with self.assertRaisesRegex(UdpTrackerError, "unknown or expired connection id"):
                    cc.announce(conn, os.urandom(20), pid(1), 7901, 1)


class UdpIpv6(unittest.TestCase):
    def test_ipv6_requesters_get_18_byte_peers(self):
        h = os.urandom(20)
        with Tracker(host="::") as t:
            with UdpClient(t.port, "127.0.0.1") as c4:
                c4.announce(c4.connect(), h, pid(1), 7801, 0)
            with UdpClient(t.port, "::1") as c6:
                conn = c6.connect()
                c6.announce(conn, h, pid(2), 7802, 0)
                r = c6.announce(conn, h, pid(3), 7803, 5)
                self.assertEqual(sorted(r["peers"]), [("::1", 7802), ("::ffff:127.0.0.1", 7801)])
            with UdpClient(t.port, "127.0.0.1") as c4:
                r = c4.announce(c4.connect(), h, pid(4), 7804, 5)
                self.assertEqual(r["peers"], [("127.0.0.1", 7801)], "IPv4 asker: IPv4 peers only")
            # The same swarm over HTTP: the IPv6 peers go in peers6.
            http = t.announce(h, pid(5), 7805, 5, compact=1, addr="::1")
            self.assertEqual(sorted(compact_peers(http[b"peers6"], 18)), [("::1", 7802), ("::1", 7803)])


if __name__ == "__main__":
    unittest.main()
