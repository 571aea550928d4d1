"""Helpers for swarm tests on loopback: torrents, data files, free ports, processes that are always killed."""
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from ports import free_port, free_tcp_udp_port, wait_port  # noqa: F401 (re-exported to the tests)

BIN = os.environ.get("SHOAL_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))


def bin_path(tool):
    return os.path.join(BIN, tool)


def bencode(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(bencode(x) for x in v) + b"e"
    if isinstance(v, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, x) for k, x in v.items())
        return b"d" + b"".join(bencode(k) + bencode(x) for k, x in items) + b"e"
    raise TypeError(type(v))


def write_random_file(path, size, seed):
    """Deterministic pseudo-random content, written in chunks (never held whole in memory)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    rng = random.Random(seed)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 1 << 20)
            f.write(rng.randbytes(n))
            left -= n


def make_torrent(content, torrent_path, piece_length=256 * 1024, announce=None):
    """A .torrent for `content` (a file, or a folder walked in sorted order). Returns the info-hash (hex)."""
    name = os.path.basename(os.path.normpath(content))
    if os.path.isdir(content):
        files = []
        for root, dirs, names in os.walk(content):
            dirs.sort()
            for n in sorted(names):
                full = os.path.join(root, n)
                files.append((os.path.relpath(full, content).split(os.sep), full))
    else:
        files = [(None, content)]
    pieces = bytearray()
    buf = bytearray()
    for _, full in files:
        with open(full, "rb") as f:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= piece_length:
                    pieces += hashlib.sha1(buf[:piece_length]).digest()
                    del buf[:piece_length]
    if buf:
        pieces += hashlib.sha1(buf).digest()
    info = {"name": name, "piece length": piece_length, "pieces": bytes(pieces)}
    if files[0][0] is None:
        info["length"] = os.path.getsize(content)
    else:
        info["files"] = [{"length": os.path.getsize(full), "path": parts} for parts, full in files]
    meta = {"info": info}
    if announce:
        meta["announce"] = announce
    with open(torrent_path, "wb") as f:
        f.write(bencode(meta))
    return hashlib.sha1(bencode(info)).hexdigest()


def same_tree(a, b):
    """True if file or folder `a` and `b` hold the same bytes."""
    if os.path.isdir(a):
        for root, _, names in os.walk(a):
            for n in names:
                pa = os.path.join(root, n)
                if not same_file(pa, os.path.join(b, os.path.relpath(pa, a))):
                    return False
        return True
    return same_file(a, b)


def same_file(a, b):
    if not os.path.isfile(b) or os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


class Procs:
    """Started processes with their logs; kill_all() in a finally block ends every one of them."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []

    def start(self, name, cmd, **kw):
        log = open(os.path.join(self.workdir, name + ".log"), "wb")
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kw)
        p.log_path = log.name
        p.log_file = log
        p.name = name
        self.procs.append(p)
        return p

    def kill_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            p.log_file.close()


def log_text(p):
    with open(p.log_path, "rb") as f:
        return f.read().decode(errors="replace")


STATS = re.compile(r"stats(?: at exit)?: downloaded (\d+) bytes, uploaded (\d+) bytes, ratio [\d.]+, peers (\d+), "
                   r"seeds (\d+), hash failures (\d+), banned (\d+)")


def last_stats(p):
    """(downloaded, uploaded, peers, seeds, hash failures, banned) from the process's last stats line, or None."""
    found = STATS.findall(log_text(p))
    return tuple(int(x) for x in found[-1]) if found else None


def wait_for_log(p, pattern, timeout):
    """Waits until the process log matches `pattern`; returns the match (fails if it exits or time runs out)."""
    deadline = time.time() + timeout
    rx = re.compile(pattern)
    while time.time() < deadline:
        m = rx.search(log_text(p))
        if m:
            return m
        if p.poll() is not None:
            m = rx.search(log_text(p))
            if m:
                return m
            raise AssertionError("%s exited (%s) before logging %r:\n%s" % (p.name, p.returncode, pattern, log_text(p)[-3000:]))
        time.sleep(0.05)
    raise AssertionError("%s did not log %r within %s s:\n%s" % (p.name, pattern, timeout, log_text(p)[-3000:]))


def json_events(p):
    """The --json events a process printed so far (its stdout shares the log file with its stderr)."""
    out = []
    for line in log_text(p).splitlines():
        if line.startswith('{"event":'):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass  # a line still being written
    return out


def find_event(p, kind, **fields):
    for e in json_events(p):
        if e.get("event") == kind and all(e.get(k) == v for k, v in fields.items()):
            return e
    return None


def wait_for_event(p, kind, timeout, **fields):
    """Waits for a --json event of this kind whose fields have these values (`from_` stands for "from");
    returns it (fails if the process exits first or time runs out)."""
    if "from_" in fields:
        fields["from"] = fields.pop("from_")
    deadline = time.time() + timeout
    while time.time() < deadline:
        e = find_event(p, kind, **fields)
        if e is not None:
            return e
        if p.poll() is not None:
            e = find_event(p, kind, **fields)
            if e is not None:
                return e
            raise AssertionError("%s exited (%s) before the event %s %r:\n%s" %
                                 (p.name, p.returncode, kind, fields, log_text(p)[-3000:]))
        time.sleep(0.05)
    raise AssertionError("%s: no event %s %r within %s s:\n%s" % (p.name, kind, fields, timeout, log_text(p)[-3000:]))


def wait_resumed(p, timeout):
    """A leech run with --json: waits until its check ended and the download started; returns the pieces it
    already had (what the log calls "resume: N of M pieces already verified")."""
    e = wait_for_event(p, "state", timeout, from_="checking")
    if e["to"] == "error":
        raise AssertionError("%s: the check failed: %s\n%s" % (p.name, e.get("error"), log_text(p)[-3000:]))
    return e["pieces_have"], e["piece_count"]


def wait_exit(p, timeout):
    try:
        return p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("%s still running after %s s:\n%s" % (p.name, timeout, log_text(p)[-3000:]))


def start_tracker(procs, interval=5):
    """Our tracker on loopback; its HTTP announce URL (UDP serves the same port number)."""
    port = free_tcp_udp_port()
    p = procs.start("tracker", [bin_path("tracker"), "--host", "127.0.0.1", "--port", str(port),
                                "--interval", str(interval), "--min-interval", "1"])
    wait_port(port)
    return "http://127.0.0.1:%d/announce" % port


def start_aria2c_leech(procs, aria2c, torrent, out_dir, workdir, *extra):
    """An aria2c leech (no DHT nodes, LPD or PEX: peers come from the torrent's tracker only).
    Returns (process, done): the path `done` exists once aria2c has the whole download."""
    done = os.path.join(workdir, "aria2-done")
    hook = os.path.join(workdir, "aria2-done.sh")
    with open(hook, "w") as f:
        f.write("#!/bin/sh\necho \"$@\" > %s\n" % done)
    os.chmod(hook, 0o755)
    p = procs.start("aria2c", [
        aria2c, "--dir", out_dir, "--listen-port=%d" % free_port(), "--seed-ratio=0.0",
        "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
        "--disable-ipv6=true", "--bt-tracker-interval=2", "--file-allocation=none", "--summary-interval=0",
        "--console-log-level=notice", "--on-bt-download-complete=" + hook, *extra, torrent])
    return p, done


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="shoal-swarm-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class SwarmTestCase(unittest.TestCase):
    """A temp folder and a process list per test; every process is killed and the folder removed afterwards."""

    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()
        self.procs = Procs(self.dir)

    def tearDown(self):
        self.procs.kill_all()
        self.tmp.__exit__(None, None, None)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def start_seed(self, name, torrent, data, *extra):
        """Our seed on a free port; returns (process, port) once it listens."""
        port = free_port()
        p = self.procs.start(name, [bin_path("seed"), torrent, "--data", data, "--host", "127.0.0.1", "--port",
                                    str(port), *extra])
        wait_port(port, 30)
        return p, port


# What our seed/leech log for each peer that had traffic, when it leaves (and for every peer at SIGTERM).
GONE = re.compile(r"peer (\S+) \((.*?)\) gone: got (\d+) bytes from it, sent (\d+) bytes to it \((.*)\)\s*$", re.M)


def peer_traffic(p):
    """The "gone" lines of one of our processes: [(address, client, got, sent, why)]."""
    return [(a, c, int(got), int(sent), why) for a, c, got, sent, why in GONE.findall(log_text(p))]


def traffic_with(p, client_prefix):
    """(got, sent) payload bytes summed over the connections of `p` to peers whose client starts with the prefix."""
    rows = [r for r in peer_traffic(p) if r[1].startswith(client_prefix)]
    return sum(r[2] for r in rows), sum(r[3] for r in rows)


def swarm_peer_ids(announce_url, info_hash_hex):
    """{listen port: peer id} of everyone in the swarm, as our tracker knows them. Asks as a passing peer (a closed
    port, then a stopped event), so others may try it once and get refused."""
    import urllib.parse
    import urllib.request
    from bdecode import bdecode
    ih = urllib.parse.quote(bytes.fromhex(info_hash_hex))
    me = "-XX0000-" + "%012d" % random.randrange(10 ** 12)
    base = "%s?info_hash=%s&peer_id=%s&port=%d&uploaded=0&downloaded=0&left=1&compact=0&numwant=200" % (
        announce_url, ih, me, free_port())
    with urllib.request.urlopen(base, timeout=10) as r:
        reply = bdecode(r.read())
    with urllib.request.urlopen(base + "&event=stopped", timeout=10) as r:
        r.read()
    return {peer[b"port"]: peer[b"peer id"] for peer in reply[b"peers"]}
