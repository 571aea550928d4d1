"""DHT helpers for tests on loopback: a KRPC ping and find_node to one of our nodes, and a fake node that answers
every query and records who asked."""
import socket
import struct
import threading
import time

from bdecode import bdecode
from swarm_testlib import bencode


def answer(s, tid):
    """The decoded reply or error to our query `tid` on socket `s`, skipping the node's own queries: once a socket
    has queried a node it may be in its routing table, and get pinged or asked for nodes at any moment. Waits at
    most the socket's timeout in all, then raises socket.timeout."""
    timeout = s.gettimeout()
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            s.settimeout(max(0.01, end - time.monotonic()))
            m = bdecode(s.recvfrom(4096)[0])
            if m.get(b"y") != b"q" and m.get(b"t") == tid:
                return m
        raise socket.timeout("no answer to %r" % tid)
    finally:
        s.settimeout(timeout)


def ping(port, timeout=2.0, tid=b"pp"):
    """A KRPC ping to 127.0.0.1:port; the decoded reply, or None when none came within `timeout`."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(bencode({"t": tid, "y": "q", "q": "ping", "a": {"id": b"\x01" * 20}}), ("127.0.0.1", port))
        try:
            return answer(s, tid)
        except socket.timeout:
            return None


class FakeNode:
    """A DHT node in a thread: answers every query with its id (no nodes, no peers) and records (query, sender
    port, sender id)."""

    def __init__(self, node_id):
        self.id = node_id
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.queries = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(4096)
                m = bdecode(data)
            except (socket.timeout, ValueError, OSError):
                continue
            if m.get(b"y") != b"q":
                continue
            self.queries.append((m[b"q"], addr[1], m.get(b"a", {}).get(b"id")))
            self.sock.sendto(bencode({"t": m[b"t"], "y": "r", "r": {"id": self.id}}), addr)

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


def find_node(port, target, timeout=2.0):
    """The compact nodes a find_node to 127.0.0.1:port returns ([(id, "ip:port")]), or None without a reply."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(bencode({"t": b"fn", "y": "q", "q": "find_node", "a": {"id": b"\x09" * 20, "target": target}}),
                 ("127.0.0.1", port))
        try:
            r = answer(s, b"fn")[b"r"]
        except socket.timeout:
            return None
        raw = r.get(b"nodes", b"")
        return [(raw[i:i + 20], "%d.%d.%d.%d:%d" % (tuple(raw[i + 20:i + 24]) + struct.unpack(">H", raw[i + 24:i + 26])))
                for i in range(0, len(raw), 26)]
