"""The tracker's HTTP protocol, end to end on loopback: announce (BEP 3/7/23), scrape
(BEP 48), stats, metrics, failure reasons, expiry and the ip parameter."""
import json
import os
import time
import unittest

from tracker_testlib import Tracker, bdecode, compact_peers

H1 = bytes(range(20))
H2 = bytes(range(100, 120))


def pid(n):
    return f"-PY0001-{n:012d}".encode()


class Announce(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Tracker("--interval", "1800", "--min-interval", "900")

    @classmethod
    def tearDownClass(cls):
        cls.t.stop()

    def test_reply_fields_and_compact(self):
        h = os.urandom(20)
        r = self.t.announce(h, pid(1), 7001, 100, compact=1, event="started")
        self.assertEqual(r[b"interval"], 1800)
        self.assertEqual(r[b"min interval"], 900)
        self.assertEqual((r[b"complete"], r[b"incomplete"], r[b"downloaded"]), (0, 1, 0))
        self.assertEqual(r[b"peers"], b"", "the asking peer must not get itself")
        r = self.t.announce(h, pid(2), 7002, 100, compact=1)
        self.assertEqual(compact_peers(r[b"peers"]), [("127.0.0.1", 7001)])
        self.assertEqual(r[b"incomplete"], 2)

    def test_dictionary_peers_and_no_peer_id(self):
        h = os.urandom(20)
        self.t.announce(h, pid(1), 7001, 100)
        r = self.t.announce(h, pid(2), 7002, 100, compact=0)
        self.assertEqual(r[b"peers"], [{b"ip": b"127.0.0.1", b"peer id": pid(1), b"port": 7001}])
        r = self.t.announce(h, pid(2), 7002, 100, compact=0, no_peer_id=1)
        self.assertEqual(r[b"peers"], [{b"ip": b"127.0.0.1", b"port": 7001}])

    def test_numwant_default_and_random_sample(self):
        h = os.urandom(20)
        for n in range(70):
            self.t.announce(h, pid(n), 10000 + n, 5, numwant=0)
        r = self.t.announce(h, pid(999), 9999, 5, compact=1)
        got = compact_peers(r[b"peers"])
        self.assertEqual(len(got), 50, "default numwant is 50")
        self.assertEqual(len(set(got)), 50)
        self.assertNotIn(("127.0.0.1", 9999), got)
        r = self.t.announce(h, pid(999), 9999, 5, compact=1, numwant=7)
        self.assertEqual(len(compact_peers(r[b"peers"])), 7)
        firsts = {compact_peers(self.t.announce(h, pid(999), 9999, 5, compact=1, numwant=5)[b"peers"])[0]
                  for _ in range(15)}
        self.assertGreater(len(firsts), 2, "samples should vary")

    def test_seeder_gets_only_leechers(self):
        h = os.urandom(20)
        for n in range(6):
            self.t.announce(h, pid(n), 11000 + n, 0 if n % 2 else 50)
        r = self.t.announce(h, pid(100), 11100, 0, compact=1)
        ports = sorted(p for _, p in compact_peers(r[b"peers"]))
        self.assertEqual(ports, [11000, 11002, 11004])
        self.assertEqual((r[b"complete"], r[b"incomplete"]), (4, 3))

    def test_events_and_reannounce(self):
        h = os.urandom(20)
        self.t.announce(h, pid(1), 7001, 100, event="started")
        self.t.announce(h, pid(2), 7002, 100, event="started")
        r = self.t.announce(h, pid(1), 7001, 0, event="completed")
        self.assertEqual((r[b"complete"], r[b"incomplete"], r[b"downloaded"]), (1, 1, 1))
        self.t.announce(h, pid(2), 7444, 100)  # re-announce with a new port updates the peer
        r = self.t.announce(h, pid(1), 7001, 0, compact=1)
        self.assertEqual(compact_peers(r[b"peers"]), [("127.0.0.1", 7444)])
        r = self.t.announce(h, pid(2), 7444, 100, event="stopped")
        self.assertEqual(r[b"incomplete"], 0)
        r = self.t.announce(h, pid(1), 7001, 0, compact=1)
        self.assertEqual(r[b"peers"], b"")

    def test_scrape(self):
        h = os.urandom(20)
        self.t.announce(h, pid(1), 7001, 0, event="completed")
        self.t.announce(h, pid(2), 7002, 10)
        status, _, body = self.t.get(f"/scrape?info_hash={quote(h)}&info_hash={quote(H2)}")
        self.assertEqual(status, 200)
        files = bdecode(body)[b"files"]
        self.assertEqual(files[h], {b"complete": 1, b"downloaded": 1, b"incomplete": 1})
        self.assertEqual(files[H2], {b"complete": 0, b"downloaded": 0, b"incomplete": 0})
        full = bdecode(self.t.get("/scrape")[2])[b"files"]
        self.assertIn(h, full)

    def test_stats_and_metrics(self):
        h = os.urandom(20)
        self.t.announce(h, pid(1), 7001, 0)
        status, hdrs, body = self.t.get("/stats")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["content-type"], "application/json")
        s = json.loads(body)
        for key in ("torrents", "peers", "seeders", "leechers", "announces", "scrapes", "uptime_seconds"):
            self.assertIn(key, s)
        self.assertGreaterEqual(s["seeders"], 1)
        self.assertEqual(s["peers"], s["seeders"] + s["leechers"])
        status, _, body = self.t.get("/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        self.assertRegex(text, r"(?m)^# TYPE shoal_tracker_announces_total counter$")
        self.assertRegex(text, r"(?m)^shoal_tracker_peers \d+$")

    def test_failure_reasons_and_404(self):
        cases = {
            "/announce": b"missing parameter info_hash",
            f"/announce?info_hash={quote(H1[:19])}&peer_id={quote(pid(1))}&port=1&left=0":
                b"malformed parameter info_hash",
            f"/announce?info_hash={quote(H1)}&peer_id={quote(pid(1))}&left=0": b"missing parameter port",
            f"/announce?info_hash={quote(H1)}&peer_id={quote(pid(1))}&port=99999&left=0":
                b"malformed parameter port",
            f"/announce?info_hash={quote(H1)}&peer_id={quote(pid(1))}&port=1&left=0&event=bogus":
                b"malformed parameter event",
            f"/announce?info_hash={quote(H1)}&peer_id={quote(pid(1))}&port=1&left=0&port=2":
                b"repeated parameter port",
            "/scrape?info_hash=short": b"malformed parameter info_hash",
        }
        for target, reason in cases.items():
            status, _, body = self.t.get(target)
            self.assertEqual(status, 200, target)
            self.assertIn(reason, bdecode(body)[b"failure reason"], target)
        self.assertEqual(self.t.get("/nothing/here")[0], 404)
        self.assertEqual(self.t.get("/")[0], 404)


def quote(b):
    return "".join(f"%{c:02x}" for c in b)


class Options(unittest.TestCase):
    def test_max_numwant_and_no_full_scrape(self):
        with Tracker("--max-numwant", "3", "--no-full-scrape") as t:
            for n in range(10):
                t.announce(H1, pid(n), 7000 + n, 1)
            r = t.announce(H1, pid(50), 7050, 1, compact=1, numwant=100)
            self.assertEqual(len(compact_peers(r[b"peers"])), 3)
            reason = bdecode(t.get("/scrape")[2])[b"failure reason"]
            self.assertIn(b"full scrape", reason)

    def test_ip_param_only_when_allowed(self):
        with Tracker() as t:
            t.announce(H1, pid(1), 7001, 1, ip="10.1.2.3")
            r = t.announce(H1, pid(2), 7002, 1, compact=1)
            self.assertEqual(compact_peers(r[b"peers"]), [("127.0.0.1", 7001)])
        with Tracker("--allow-ip-param") as t:
            t.announce(H1, pid(1), 7001, 1, ip="10.1.2.3")
            r = t.announce(H1, pid(2), 7002, 1, compact=1)
            self.assertEqual(compact_peers(r[b"peers"]), [("10.1.2.3", 7001)])

    def test_expiry_sweeps_silent_peers(self):
        with Tracker("--interval", "2", "--min-interval", "1", "--expiry-factor", "1.5") as t:
            for n in range(20):
                t.announce(os.urandom(20), pid(n), 7000 + n, 1)
            self.assertEqual(json.loads(t.get("/stats")[2])["peers"], 20)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                s = json.loads(t.get("/stats")[2])
                if s["peers"] == 0:
                    break
                time.sleep(0.5)
            self.assertEqual((s["peers"], s["torrents"]), (0, 0))

    def test_ipv6_peers6(self):
        with Tracker(host="::") as t:
            t.announce(H1, pid(1), 7001, 1, addr="::1")
            t.announce(H1, pid(2), 7002, 1, addr="127.0.0.1")
            r = t.announce(H1, pid(3), 7003, 1, addr="127.0.0.1", compact=1)
            self.assertEqual(compact_peers(r[b"peers6"], 18), [("::1", 7001)])
            self.assertEqual(compact_peers(r[b"peers"]), [("127.0.0.1", 7002)])
            r = t.announce(H1, pid(3), 7003, 1, addr="::1", compact=0)
            self.assertIn({b"ip": b"::1", b"peer id": pid(1), b"port": 7001}, r[b"peers"])


if __name__ == "__main__":
    unittest.main()
