"""Helpers for the tracker tests: start our tracker, raw HTTP GETs, a small bdecoder."""
import os
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
        self.port = free_port()
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
