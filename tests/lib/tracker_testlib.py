"""Helpers for the tracker tests: start our tracker, raw HTTP GETs, a BEP 15 UDP client, a
small bdecoder."""
import os
import struct
import socket
import subprocess
import time
import urllib.parse

import ports
from bdecode import bdecode  # noqa: F401 (re-exported for the tracker tests)
from ports import free_port  # noqa: F401 (re-exported for the tracker tests)

BIN = os.environ.get("SHOAL_BIN", "build/bin")


def wait_port(host, port, timeout=10.0):
    ports.wait_port(port, timeout, host)


class Tracker:
    """Our tracker as a child process; use as a context manager so it always dies."""

    def __init__(self, *args, host="127.0.0.1"):
        # Our UDP tracker takes the HTTP port's number too, unless told otherwise.
        self.port = ports.free_tcp_udp_port("::1" if host == "::" else "127.0.0.1")
        self.host = host
        cmd = [os.path.join(BIN, "tracker"), "--host", host, "--port", str(self.port), *args]
        log = os.environ.get("SHOAL_TRACKER_LOG")  # debugging: keep the tracker's log
        err = open(log, "ab") if log else subprocess.PIPE
        self.proc = subprocess.Popen(cmd, stderr=err, stdout=subprocess.DEVNULL)
        wait_port("::1" if host == "::" else "127.0.0.1", self.port)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        if self.proc.stderr and not isinstance(self.proc.stderr, int):
            self.proc.stderr.close()

    def get(self, target, addr="127.0.0.1", headers=""):
        return http_get(addr, self.port, target, headers)

    def announce(self, info_hash, peer_id, port, left, addr="127.0.0.1", **extra):
        status, _, body = self.get(announce_target(info_hash, peer_id, port, left, **extra), addr)
        assert status == 200, (status, body)
        return bdecode(body)


def announce_target(info_hash, peer_id, port, left, **extra):
    q = {"info_hash": info_hash, "peer_id": peer_id, "port": port, "left": left,
         "uploaded": 0, "downloaded": 0}
    q.update(extra)
    return "/announce?" + urllib.parse.urlencode(q, quote_via=urllib.parse.quote)


def http_get(addr, port, target, headers="", timeout=10.0):
    """One GET on a fresh connection; returns (status, headers dict, body bytes)."""
    with socket.create_connection((addr, port), timeout=timeout) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return parse_response(data)


def parse_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, body


def compact_peers(blob, width=6):
    out = []
    for k in range(0, len(blob), width):
        ip = socket.inet_ntop(socket.AF_INET if width == 6 else socket.AF_INET6, blob[k:k + width - 2])
        out.append((ip, int.from_bytes(blob[k + width - 2:k + width], "big")))
    return out


# ---- BEP 15 (UDP tracker) client for the tests ----
UDP_PROTOCOL_ID = 0x41727101980
EVENTS = {"none": 0, "completed": 1, "started": 2, "stopped": 3}


class UdpTrackerError(Exception):
    """The tracker answered with an action-3 error packet."""


class UdpClient:
    """One UDP socket talking BEP 15 to host:port; every receive is bounded by `timeout`."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout)
        self.addr = (host, port)
        self.v6 = family == socket.AF_INET6
        self.txid = int.from_bytes(os.urandom(4), "big")

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def request(self, packet):
        """Sends `packet` and returns the reply whose transaction id matches (bytes 12..16)."""
        self.sock.sendto(packet, self.addr)
        want = packet[12:16]
        while True:
            reply, _ = self.sock.recvfrom(65536)
            if reply[4:8] == want:
                return reply

    def next_txid(self):
        self.txid = (self.txid + 1) & 0xFFFFFFFF
        return self.txid

    def connect(self):
        reply = self.request(struct.pack(">QII", UDP_PROTOCOL_ID, 0, self.next_txid()))
        action, = struct.unpack(">I", reply[:4])
        if action == 3:
            raise UdpTrackerError(reply[8:].decode("utf-8", "replace"))
        assert action == 0 and len(reply) == 16, reply
        return struct.unpack(">Q", reply[8:16])[0]

    def announce_packet(self, conn, info_hash, peer_id, port, left, event="none", numwant=-1,
                        downloaded=0, uploaded=0, key=0):
        return struct.pack(">QII20s20sqqqIIIiH", conn, 1, self.next_txid(), info_hash, peer_id,
                           downloaded, left, uploaded, EVENTS[event], 0, key, numwant, port)

    def announce(self, conn, info_hash, peer_id, port, left, **kw):
        """{interval, leechers, seeders, peers: [(ip, port)]}; UdpTrackerError on an error packet."""
        return parse_udp_announce(self.request(self.announce_packet(conn, info_hash, peer_id, port,
                                                                    left, **kw)), self.v6)

    def scrape(self, conn, hashes):
        """[(seeders, completed, leechers)] in the order of `hashes`."""
        reply = self.request(struct.pack(">QII", conn, 2, self.next_txid()) + b"".join(hashes))
        action, = struct.unpack(">I", reply[:4])
        if action == 3:
            raise UdpTrackerError(reply[8:].decode("utf-8", "replace"))
        assert action == 2 and (len(reply) - 8) % 12 == 0, reply
        return [struct.unpack(">III", reply[k:k + 12]) for k in range(8, len(reply), 12)]


def parse_udp_announce(reply, v6=False):
    action, = struct.unpack(">I", reply[:4])
    if action == 3:
        raise UdpTrackerError(reply[8:].decode("utf-8", "replace"))
    assert action == 1 and len(reply) >= 20, reply
    interval, leechers, seeders = struct.unpack(">III", reply[8:20])
    return {"interval": interval, "leechers": leechers, "seeders": seeders,
            "peers": compact_peers(reply[20:], 18 if v6 else 6)}
