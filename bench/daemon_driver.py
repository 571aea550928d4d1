"""bench/daemon.sh's driver: starts each daemon on loopback, adds COUNT torrents over its RPC, measures, stops it.

Both daemons get the same torrents (single files of 64 KiB in 16 KiB pieces, random piece hashes, no tracker) and
the same requests; the numbers are printed as key=value lines and ratios shoald/transmission.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

LIST_FIELDS = ["id", "name", "status", "error", "errorString", "eta", "isFinished", "leftUntilDone", "peersConnected",
               "peersGettingFromUs", "peersSendingToUs", "percentDone", "rateDownload", "rateUpload", "recheckProgress",
               "sizeWhenDone", "totalSize", "uploadRatio", "uploadedEver", "downloadedEver", "queuePosition"]


def bstr(b):
    return str(len(b)).encode() + b":" + b


def make_torrent(i):
    name = f"bench-{i:06d}.bin".encode()
    pieces = b"".join(hashlib.sha1(f"{i}-{p}".encode()).digest() for p in range(4))
    info = b"d6:lengthi65536e4:name" + bstr(name) + b"12:piece lengthi16384e6:pieces" + bstr(pieces) + b"e"
    return b"d4:info" + info + b"e"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, bound=30):
    give_up = time.monotonic() + bound
    while time.monotonic() < give_up:
        if proc.poll() is not None:
            raise SystemExit(f"the daemon exited with {proc.returncode} before opening port {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port} after {bound} s")


class rpc:
    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}/transmission/rpc"
        self.sid = ""
        self.read_s = 0.0  # the last call's time to its reply's last byte (without the client's JSON parse)

    def call(self, method, arguments=None, timeout=120):
        body = json.dumps({"method": method, "arguments": arguments or {}}).encode()
        for _ in range(3):
            req = urllib.request.Request(self.url, body, {"X-Transmission-Session-Id": self.sid,
                                                          "Content-Type": "application/json"})
            try:
                t = time.monotonic()
                with urllib.request.urlopen(req, timeout=timeout) as r:
                    raw = r.read()
                    self.read_s = time.monotonic() - t
                    return json.loads(raw), len(raw)
            except urllib.error.HTTPError as e:
                if e.code != 409:
                    raise
                self.sid = e.headers["X-Transmission-Session-Id"]
        raise SystemExit(f"{method}: no session id after three tries")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start_shoald(args, work):
    port, peer = free_port(), free_port()
    state, data = os.path.join(work, "shoald-state"), os.path.join(work, "shoald-data")
    os.makedirs(data, exist_ok=True)
    cmd = [os.path.join(args.bin, "shoald"), "--state-dir", state, "--download-dir", data, "--rpc-bind", "127.0.0.1",
           "--rpc-port", str(port), "--peer-port", str(peer), "--peer-host", "127.0.0.1", "--log-level", "warn"]
    log = open(os.path.join(work, "shoald.log"), "w")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT), port


def start_transmission(args, work):
    port, peer = free_port(), free_port()
    conf, data = os.path.join(work, "tr"), os.path.join(work, "tr-data")
    os.makedirs(conf, exist_ok=True)
    os.makedirs(data, exist_ok=True)
    settings = {"download-dir": data, "incomplete-dir-enabled": False, "watch-dir-enabled": False,
                "rpc-enabled": True, "rpc-bind-address": "127.0.0.1", "rpc-port": port,
                "rpc-authentication-required": False, "rpc-whitelist-enabled": False,
                "rpc-host-whitelist-enabled": False, "bind-address-ipv4": "127.0.0.1", "bind-address-ipv6": "::1",
                "peer-port": peer, "peer-port-random-on-start": False, "dht-enabled": False, "lpd-enabled": False,
                "pex-enabled": False, "utp-enabled": False, "port-forwarding-enabled": False,
                "download-queue-enabled": False, "seed-queue-enabled": False, "queue-stalled-enabled": False,
                "start-added-torrents": True, "message-level": 1}
    with open(os.path.join(conf, "settings.json"), "w") as f:
        json.dump(settings, f)
    log = open(os.path.join(work, "tr.log"), "w")
    return subprocess.Popen(["transmission-daemon", "-f", "-g", conf], stdout=log, stderr=subprocess.STDOUT), port


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measure(name, start, args, work, torrents):
    proc, port = start(args, work)
    try:
        wait_port(port, proc)
        r = rpc(port)
        t0 = time.monotonic()
        for t in torrents:
            reply, _ = r.call("torrent-add", {"metainfo": base64.b64encode(t).decode(), "paused": args.paused})
            if reply.get("result") != "success":
                raise SystemExit(f"{name}: torrent-add: {reply.get('result')}")
        add_s = time.monotonic() - t0
        # Until every torrent has left its check (neither daemon has data for them: quick, but queued).
        give_up = time.monotonic() + args.settle_bound
        checking = len(torrents)
        while time.monotonic() < give_up:
            reply, _ = r.call("torrent-get", {"fields": ["id", "status"]})
            ts = reply["arguments"]["torrents"]
            checking = sum(1 for t in ts if t["status"] in (1, 2)) + len(torrents) - len(ts)
            if checking == 0:
                break
            time.sleep(1)
        settled_s = time.monotonic() - t0
        time.sleep(2)
        c0, w0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(args.idle_seconds)
        idle_cpu = 100 * (cpu_seconds(proc.pid) - c0) / (time.monotonic() - w0)
        times, reads, size = [], [], 0
        for _ in range(args.reads):
            t = time.monotonic()
            reply, size = r.call("torrent-get", {"fields": LIST_FIELDS})
            times.append((time.monotonic() - t) * 1000)
            reads.append(r.read_s * 1000)
            if len(reply["arguments"]["torrents"]) != len(torrents):
                raise SystemExit(f"{name}: torrent-get returned {len(reply['arguments']['torrents'])} torrents")
        out = {"add_all_s": add_s, "settled_s": settled_s, "idle_cpu_pct": idle_cpu, "rss_mib": mib(proc.pid, "VmRSS"),
               "hwm_mib": mib(proc.pid, "VmHWM"), "get_median_ms": statistics.median(times), "get_max_ms": max(times),
               "get_read_median_ms": statistics.median(reads),
               "get_bytes": size, "still_checking": checking}
        print(f"{name} torrents={len(torrents)} " + " ".join(
            f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in out.items()) + f" reads={args.reads}",
              flush=True)
        return out
    finally:
        stop(proc)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--idle-seconds", type=float, default=20)
    p.add_argument("--reads", type=int, default=10)
    p.add_argument("--dir")
    p.add_argument("--settle-bound", type=float, default=600, help="seconds to wait for the checks to end")
    p.add_argument("--paused", action="store_true", help="add the torrents paused (no check, no announce)")
    p.add_argument("--only", choices=["shoald", "transmission"])
    args = p.parse_args()
    work = args.dir or tempfile.mkdtemp(prefix="shoal-daemon-bench.")
    try:
        torrents = [make_torrent(i) for i in range(args.count)]
        ours = theirs = None
        if args.only != "transmission":
            ours = measure("shoald", start_shoald, args, work, torrents)
        if args.only != "shoald":
            theirs = measure("transmission-daemon", start_transmission, args, work, torrents)
        if ours and theirs:
            ratio = lambda k: f"{ours[k] / theirs[k]:.2f}" if theirs[k] else "n/a"
            print("ratios shoald/transmission: " + " ".join(
                f"{k} {ratio(k)}" for k in ("add_all_s", "idle_cpu_pct", "rss_mib", "get_median_ms", "get_read_median_ms", "get_bytes")))
            print(f"targets: rss <= 0.5x: {ratio('rss_mib')}; torrent-get time <= 0.5x: {ratio('get_median_ms')}")
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
