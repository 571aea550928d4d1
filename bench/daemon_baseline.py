"""bench/daemon_baseline.py: a daemon's resident memory before any torrent, and after a few, library by library.

Starts shoald, then transmission-daemon, on loopback (bench/daemon_driver.py's start_shoald/start_transmission),
waits --settle seconds, prints VmRSS, RssAnon, RssFile and the resident kB of each mapped file from
/proc/PID/smaps; then adds --add of daemon_driver's torrents over the RPC, waits again and prints the same. Shows
what start-up initialisation (OpenSSL, libsystemd) costs: docs/performance.md, issue 12.
Run: /usr/bin/python3 bench/daemon_baseline.py --bin build/bin [--runs 3] [--only shoald]
"""
import argparse
import base64
import collections
import os
import shutil
import tempfile
import time

from daemon_driver import make_torrent, rpc, start_shoald, start_transmission, stop, wait_port


def status_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0])
    return out


def rss_by_file(pid):
    """Resident kB per mapped file (all its mappings summed); anonymous mappings under '[anon]'."""
    per = collections.Counter()
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and ":" not in fields[0]:  # a mapping's header line
                name = os.path.basename(fields[5]) if len(fields) > 5 else "[anon]"
            elif fields[0] == "Rss:":
                per[name] += int(fields[1])
    return per


def show(label, pid, top):
    s = status_kib(pid)
    print(f"{label}: VmRSS={s['VmRSS']} kB RssAnon={s['RssAnon']} kB RssFile={s['RssFile']} kB")
    for name, kb in rss_by_file(pid).most_common(top):
        print(f"  {kb:6d} kB  {name}")
    return s


def measure(label, start, args):
    work = tempfile.mkdtemp(prefix="shoal-daemon-baseline.")
    try:
        proc, port = start(args, work)
        try:
            wait_port(port, proc)
            time.sleep(args.settle)
            show(f"{label} start", proc.pid, args.top)
            r = rpc(port)
            for i in range(args.add):
                reply, _ = r.call("torrent-add", {"metainfo": base64.b64encode(make_torrent(i)).decode()})
                if reply["result"] != "success":
                    raise SystemExit(f"torrent-add {i}: {reply['result']}")
            time.sleep(args.settle)
            show(f"{label} after {args.add} torrents", proc.pid, args.top)
        finally:
            stop(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True, help="directory holding shoald")
    p.add_argument("--add", type=int, default=100, help="torrents added after the first reading")
    p.add_argument("--settle", type=float, default=2)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--top", type=int, default=12)
    p.add_argument("--only", choices=["shoald", "transmission"])
    args = p.parse_args()
    daemons = [("shoald", start_shoald), ("transmission", start_transmission)]
    for run in range(args.runs):
        for name, start in daemons:
            if args.only in (None, name):
                measure(f"{name} run {run + 1}", start, args)


if __name__ == "__main__":
    main()
