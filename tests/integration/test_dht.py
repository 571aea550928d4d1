"""The BEP 5 DHT on loopback: a few of our processes form a DHT (two seeds of an unrelated torrent as
bootstrap nodes, a seed of the real torrent, a leech); a trackerless magnet (only xt: no tr, no x.pe) completes
through the DHT alone. A running node keeps answering pings after KRPC garbage, oversized datagrams and a flood
of queries, with its memory bounded. The port message (BEP 5): our seed sets the DHT bit and sends its port to a
scripted peer that sets it too (never to one that does not, never for a private torrent), and the node a peer's
port message names is pinged and enters the routing table. BEP 27: a magnet whose metadata says private stops
its node (its only torrent)."""
import hashlib
import os
import socket
import struct
import time
import unittest

from bdecode import bdecode, bdecode_torrent
from swarm_testlib import (SwarmTestCase, bencode, bin_path, log_text, make_torrent, same_tree, wait_exit,
                           wait_for_log, write_random_file)
from ports import free_tcp_udp_port, wait_port
from dht_testlib import FakeNode, answer, find_node, ping


def drain(s):
    """How many replies and errors arrive on `s` until it stays quiet for its timeout. The node's own queries are
    not counted: a source that queried it may enter its routing table, and then gets pinged or asked for nodes."""
    got = 0
    try:
        while True:
            try:
                m = bdecode(s.recvfrom(4096)[0])
            except ValueError:
                got += 1
                continue
            if m.get(b"y") != b"q":
                got += 1
    except socket.timeout:
        return got


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def dial(port, info_hash, reserved):
    """A raw peer connection to 127.0.0.1:port with our handshake; returns (socket, the reserved bytes of theirs)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(b"\x13BitTorrent protocol" + reserved + info_hash + b"-XX0001-" + os.urandom(6).hex().encode())
    theirs = read_exact(s, 68)
    return s, theirs[20:28]


def messages(sock, seconds):
    """The (id, payload) of each message that arrives within `seconds` (keep-alives skipped)."""
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sock.settimeout(max(0.05, end - time.monotonic()))
        try:
            (n,) = struct.unpack(">I", read_exact(sock, 4))
            body = read_exact(sock, n) if n else b""
        except socket.timeout:
            break
        if body:
            out.append((body[0], body[1:]))
    return out


def make_private(torrent, out):
    with open(torrent, "rb") as f:
        top = bdecode(f.read())
    top[b"info"][b"private"] = 1  # BEP 27: never on the DHT
    with open(out, "wb") as f:
        f.write(bencode(top))


def info_hash_of(torrent):
    with open(torrent, "rb") as f:
        return hashlib.sha1(bdecode_torrent(f.read())[1]).digest()


class Dht(SwarmTestCase):
    def dht_seed(self, name, content, torrent, *bootstrap, dht_port=None, expect_node=True):
        """Our seed serving `torrent`, its DHT node on `dht_port` (default: the number of its TCP port). Returns once
        the node is up (it starts with the first public torrent, after the TCP listen: slower under ASan)."""
        port = free_tcp_udp_port()
        args = [bin_path("seed"), torrent, "--data", content, "--host", "127.0.0.1", "--port", str(port),
                "--log-level", "debug"]
        if dht_port:
            args += ["--dht-port", str(dht_port)]
        for b in bootstrap:
            args += ["--dht-bootstrap", "127.0.0.1:%d" % b]
        p = self.procs.start(name, args)
        wait_port(port, 30)
        if expect_node:
            wait_for_log(p, r"dht: node [0-9a-f]{40} on UDP port", 30)
        return p, port

    def bootstrap_pair(self):
        other = self.path("other", "x.bin")
        write_random_file(other, 100 * 1024, seed=3)
        make_torrent(other, self.path("other.torrent"), 16 * 1024)
        a_port, b_port = free_tcp_udp_port(), free_tcp_udp_port()
        # Each bootstraps from the other: a DHT of two ordinary nodes, no router.
        a = self.procs.start("boot-a", [bin_path("seed"), self.path("other.torrent"), "--data", other, "--host",
                                        "127.0.0.1", "--port", str(a_port), "--dht-bootstrap",
                                        "127.0.0.1:%d" % b_port, "--log-level", "debug"])
        b = self.procs.start("boot-b", [bin_path("seed"), self.path("other.torrent"), "--data", other, "--host",
                                        "127.0.0.1", "--port", str(b_port), "--dht-bootstrap",
                                        "127.0.0.1:%d" % a_port, "--log-level", "debug"])
        wait_port(a_port, 30)
        wait_port(b_port, 30)
        return (a, a_port), (b, b_port)

    def test_trackerless_magnet_completes_through_the_dht(self):
        (_, a_port), (_, b_port) = self.bootstrap_pair()
        content = self.path("data", "sample.bin")
        write_random_file(content, 2 * 1024 * 1024 + 123, seed=17)
        ih = make_torrent(content, self.path("t.torrent"), 64 * 1024)  # no announce URL: trackerless
        # Its DHT port differs from its peer port: the announce must name the peer port (implied_port 0).
        seed, seed_port = self.dht_seed("seed", content, self.path("t.torrent"), a_port,
                                        dht_port=free_tcp_udp_port())
        # The seed has announced itself to the nodes it found (its lookup ended with replies).
        wait_for_log(seed, r"dht: lookup %s: \d+ queries, [1-9]\d* nodes replied" % ih, 60)
        leech_port = free_tcp_udp_port()
        leech = self.procs.start("leech", [bin_path("leech"), "magnet:?xt=urn:btih:" + ih, "-o", self.path("out"),
                                           "--host", "127.0.0.1", "--port", str(leech_port), "--timeout", "90",
                                           "--dht-bootstrap", "127.0.0.1:%d" % b_port, "--log-level", "debug"])
        self.assertEqual(wait_exit(leech, 150), 0, log_text(leech))
        self.assertTrue(same_tree(content, self.path("out", "sample.bin")))
        self.assertRegex(log_text(leech), r"peers from the DHT")

    def test_no_dht_runs_no_node(self):
        content = self.path("data", "s.bin")
        write_random_file(content, 10000, seed=1)
        make_torrent(content, self.path("t.torrent"), 16 * 1024)
        port = free_tcp_udp_port()
        self.procs.start("seed", [bin_path("seed"), self.path("t.torrent"), "--data", content, "--host",
                                  "127.0.0.1", "--port", str(port), "--no-dht"])
        wait_port(port, 30)
        self.assertIsNone(ping(port, timeout=1.0))

    def test_only_private_torrents_run_no_node(self):
        content = self.path("data", "s.bin")
        write_random_file(content, 10000, seed=1)
        make_torrent(content, self.path("t.torrent"), 16 * 1024)
        make_private(self.path("t.torrent"), self.path("p.torrent"))
        seed, port = self.dht_seed("seed", content, self.path("p.torrent"), expect_node=False)
        self.assertIsNone(ping(port, timeout=1.0))
        self.assertNotIn("dht: node", log_text(seed))
        # The same data as a public torrent: the node answers.
        public, public_port = self.dht_seed("public", content, self.path("t.torrent"))
        self.assertIsNotNone(ping(public_port), log_text(public))

    def test_garbage_oversized_and_floods_do_not_stop_the_node(self):
        content = self.path("data", "s.bin")
        write_random_file(content, 10000, seed=1)
        make_torrent(content, self.path("t.torrent"), 16 * 1024)
        seed, port = self.dht_seed("seed", content, self.path("t.torrent"))
        reply = ping(port)
        self.assertIsNotNone(reply, log_text(seed))
        self.assertEqual(reply[b"y"], b"r")
        self.assertEqual(len(reply[b"r"][b"id"]), 20)
        before = rss_kib(seed.pid)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.5)
            junk = [b"", b"d", b"i1e", b"garbage\x00\xff", b"d1:t2:aa1:y1:qe", b"d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe",
                    b"l" * 5000, b"x" * 65000, bencode({"t": b"aa", "y": "q", "q": "ping", "a": {"id": b"\x00" * 20,
                                                                                              "pad": b"z" * 3000}})]
            for _ in range(30):
                for j in junk:
                    s.sendto(j, ("127.0.0.1", port))
            # None of the garbage is answered (a spoofed source must get nothing).
            self.assertEqual(drain(s), 0)
            # A flood of valid queries from one source: most are dropped by the per-source limit.
            time.sleep(2.5)  # the garbage spent this source's budget: let it refill
            q = bencode({"t": b"fl", "y": "q", "q": "find_node", "a": {"id": b"\x02" * 20, "target": b"\x03" * 20}})
            for _ in range(3000):
                s.sendto(q, ("127.0.0.1", port))
            answered = drain(s)
            self.assertGreater(answered, 0)
            self.assertLess(answered, 1000)
            # Unknown methods get error 204 (BEP 5).
            time.sleep(3)  # the source's budget refills
            s.sendto(bencode({"t": b"uk", "y": "q", "q": "frobnicate", "a": {"id": b"\x02" * 20}}), ("127.0.0.1", port))
            err = answer(s, b"uk")
            self.assertEqual(err[b"y"], b"e")
            self.assertEqual(err[b"e"][0], 204)
            # announce_peer with a wrong token: error 203.
            s.sendto(bencode({"t": b"an", "y": "q", "q": "announce_peer",
                              "a": {"id": b"\x02" * 20, "info_hash": b"\x04" * 20, "port": 1234, "token": b"bad"}}),
                     ("127.0.0.1", port))
            err = answer(s, b"an")
            self.assertEqual(err[b"e"][0], 203)
        self.assertIsNotNone(ping(port, tid=b"p2"), "the node stopped answering")
        self.assertIsNone(seed.poll())
        self.assertLess(rss_kib(seed.pid) - before, 20 * 1024)

    def test_announce_then_get_peers_with_token_and_implied_port(self):
        content = self.path("data", "s.bin")
        write_random_file(content, 10000, seed=1)
        make_torrent(content, self.path("t.torrent"), 16 * 1024)
        seed, port = self.dht_seed("seed", content, self.path("t.torrent"))
        ih = b"\x05" * 20
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(bencode({"t": b"g1", "y": "q", "q": "get_peers", "a": {"id": b"\x02" * 20, "info_hash": ih}}),
                     ("127.0.0.1", port))
            r = answer(s, b"g1")[b"r"]
            self.assertNotIn(b"values", r)
            token = r[b"token"]
            s.sendto(bencode({"t": b"a1", "y": "q", "q": "announce_peer", "a": {
                "id": b"\x02" * 20, "info_hash": ih, "port": 4321, "token": token}}), ("127.0.0.1", port))
            self.assertEqual(answer(s, b"a1")[b"y"], b"r")
            s.sendto(bencode({"t": b"a2", "y": "q", "q": "announce_peer", "a": {
                "id": b"\x02" * 20, "info_hash": ih, "port": 9, "implied_port": 1, "token": token}}),
                     ("127.0.0.1", port))
            self.assertEqual(answer(s, b"a2")[b"y"], b"r")
            s.sendto(bencode({"t": b"g2", "y": "q", "q": "get_peers", "a": {"id": b"\x02" * 20, "info_hash": ih}}),
                     ("127.0.0.1", port))
            values = answer(s, b"g2")[b"r"][b"values"]
            ports = sorted(int.from_bytes(v[4:6], "big") for v in values)
            self.assertEqual(ports, sorted([4321, s.getsockname()[1]]))

    def test_port_message_both_ways(self):
        content = self.path("data", "s.bin")
        write_random_file(content, 100000, seed=1)
        ih = bytes.fromhex(make_torrent(content, self.path("t.torrent"), 16 * 1024))
        # Its bootstrap node does not exist: whatever its table holds came through the port message.
        seed, port = self.dht_seed("seed", content, self.path("t.torrent"), free_tcp_udp_port())
        theirs = FakeNode(b"\x77" * 20)
        try:
            s, reserved = dial(port, ih, b"\x00" * 7 + b"\x01")
            with s:
                self.assertTrue(reserved[7] & 0x01, "no DHT bit in our seed's handshake")
                got = messages(s, 5)
                ports = [struct.unpack(">H", p)[0] for i, p in got if i == 9]
                self.assertEqual(ports, [port], got)  # its DHT port defaults to the peer port
                s.sendall(struct.pack(">IBH", 3, 9, theirs.port))
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and not any(q == b"ping" and p == port for q, p, _ in theirs.queries):
                    time.sleep(0.05)
                self.assertIn((b"ping", port), [(q, p) for q, p, _ in theirs.queries], log_text(seed))
                node = (b"\x77" * 20, "127.0.0.1:%d" % theirs.port)
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and node not in (find_node(port, b"\x77" * 20) or []):
                    time.sleep(0.2)
                self.assertIn(node, find_node(port, b"\x77" * 20) or [], "the node is not in the routing table")
            # A peer without the bit gets no port message.
            s, reserved = dial(port, ih, b"\x00" * 8)
            with s:
                self.assertTrue(reserved[7] & 0x01)
                self.assertNotIn(9, [i for i, _ in messages(s, 3)])
        finally:
            theirs.close()

    def test_private_torrent_sets_no_dht_bit(self):
        content = self.path("data", "s.bin")
        write_random_file(content, 10000, seed=1)
        make_torrent(content, self.path("t.torrent"), 16 * 1024)
        make_private(self.path("t.torrent"), self.path("p.torrent"))
        ih = info_hash_of(self.path("p.torrent"))
        seed, port = self.dht_seed("seed", content, self.path("p.torrent"), expect_node=False)
        s, reserved = dial(port, ih, b"\x00" * 7 + b"\x01")
        with s:
            self.assertFalse(reserved[7] & 0x01)
            self.assertNotIn(9, [i for i, _ in messages(s, 3)])

    def test_magnet_turning_private_stops_its_node(self):
        content = self.path("data", "s.bin")
        write_random_file(content, 300000, seed=4)
        make_torrent(content, self.path("t.torrent"), 16 * 1024)
        make_private(self.path("t.torrent"), self.path("p.torrent"))
        ih = info_hash_of(self.path("p.torrent")).hex()
        _, seed_port = self.dht_seed("seed", content, self.path("p.torrent"), expect_node=False)
        leech_port = free_tcp_udp_port()
        leech = self.procs.start("leech", [bin_path("leech"), "magnet:?xt=urn:btih:%s&x.pe=127.0.0.1:%d" %
                                           (ih, seed_port), "-o", self.path("out"), "--host", "127.0.0.1", "--port",
                                           str(leech_port), "--dht-bootstrap", "127.0.0.1:%d" % free_tcp_udp_port(),
                                           "--seed", "--timeout", "60", "--log-level", "debug"])
        wait_for_log(leech, r"dht: node [0-9a-f]{40} on UDP port %d" % leech_port, 30)  # privacy unknown yet
        wait_for_log(leech, r"a private torrent: no DHT, no peer exchange", 60)
        wait_for_log(leech, r"dht: no torrent left that may use it: node stopped", 30)
        wait_for_log(leech, r"complete: ", 60)
        self.assertIsNone(ping(leech_port, timeout=1.0), "the node still answers")
        self.assertTrue(same_tree(content, self.path("out", "s.bin")))
        text = log_text(leech)
        self.assertNotRegex(text.split("a private torrent")[1], r"dht: lookup|peers from the DHT|peer exchange to")


if __name__ == "__main__":
    unittest.main()
