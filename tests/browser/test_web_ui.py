#!/usr/bin/env python3
"""Browser test of the web UI: starts our tracker, our seed and shoald on free loopback ports, then runs
web_ui.mjs (headless Debian chromium driven by playwright-core) against the daemon's web root.

SHOAL_WEB_BACKEND=transmission runs the same UI against Debian's transmission-daemon instead (its web home set to
web/; no login, no torrent-create): a development aid, shoald is the default and what ctest runs."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

from swarm_testlib import (Procs, TempDir, bencode, bin_path, free_port, log_text, make_torrent,  # noqa: E402
                           start_tracker, wait_port, write_random_file)
from shoald_testlib import RpcClient, start_shoald  # noqa: E402
from bdecode import bdecode_torrent  # noqa: E402

USER, PASSWORD = "tester", "correct horse"


def make_content(base):
    """alpha.bin (one file), beta/ (a folder of two files), delta.bin (added by magnet), and gamma/ (to be created
    and seeded by the UI)."""
    write_random_file(os.path.join(base, "seed", "alpha.bin"), 3 * 1024 * 1024 + 123, seed=1)
    write_random_file(os.path.join(base, "seed", "delta.bin"), 1024 * 1024 + 77, seed=6)
    write_random_file(os.path.join(base, "seed", "beta", "one.bin"), 700 * 1024 + 5, seed=2)
    write_random_file(os.path.join(base, "seed", "beta", "sub", "two.bin"), 1500 * 1024 + 9, seed=3)
    write_random_file(os.path.join(base, "share", "gamma", "a.bin"), 900 * 1024 + 1, seed=4)
    write_random_file(os.path.join(base, "share", "gamma", "b.bin"), 200 * 1024 + 2, seed=5)


def start_shoald_backend(procs, d):
    if not os.path.exists(bin_path("shoald")):
        raise AssertionError("%s is not built (cmake --build build --target shoald); SHOAL_WEB_BACKEND=transmission "
                             "runs the UI against transmission-daemon instead" % bin_path("shoald"))
    state = os.path.join(d, "shoald-state")
    os.makedirs(state, exist_ok=True)
    add = subprocess.run([bin_path("shoald"), "user", "add", USER, "--state-dir", state],
                         input=(PASSWORD + "\n").encode(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    if add.returncode != 0:
        raise AssertionError("shoald user add failed (%d): %s" % (add.returncode, add.stdout.decode(errors="replace")))
    share = os.path.join(d, "share")
    p, port = start_shoald(procs, d, extra=["--allowed-root", share], web_root=os.path.join(ROOT, "web"))
    return p, {"url": "http://127.0.0.1:%d/" % port, "downloadDir": os.path.join(d, "shoald-downloads"),
               "user": USER, "password": PASSWORD, "canCreate": True,
               "shareRoot": share}


def magnet_of(torrent, name, announce):
    with open(torrent, "rb") as f:
        info_hash = hashlib.sha1(bdecode_torrent(f.read())[1]).hexdigest()
    return "magnet:?xt=urn:btih:%s&dn=%s&tr=%s" % (info_hash, name, urllib.parse.quote(announce, safe=""))


def add_many_paused(cfg, count):
    """`count` small torrents (no data anywhere) added paused over the RPC, so the UI lists real daemon torrents."""
    port = int(cfg["url"].split(":")[2].split("/")[0])
    client = RpcClient(port, path=cfg.get("rpcPath", "/transmission/rpc"))
    headers = {}
    if cfg["user"]:  # one login, then the cookie (a slow password hash per request would take minutes)
        body = json.dumps({"username": cfg["user"], "password": cfg["password"]}).encode()
        status, hdrs, data = client.raw("POST", "/login", body, {"Content-Type": "application/json",
                                                                 "Host": "127.0.0.1:%d" % port})
        assert status == 200, (status, data)
        headers["Cookie"] = hdrs["set-cookie"].split(";")[0]
    t0 = time.monotonic()
    for i in range(count):
        info = {"name": "many-%05d" % i, "piece length": 16384, "length": 1000 + i,
                "pieces": hashlib.sha1(b"%d" % i).digest()}
        meta = base64.b64encode(bencode({"info": info})).decode()
        req = json.dumps({"method": "torrent-add", "arguments": {"metainfo": meta, "paused": True}}).encode()
        status, _, data = client.post(req, dict(headers))
        assert status == 200 and json.loads(data)["result"] == "success", (status, data[:300])
    client.close()
    print("%d paused torrents added over the RPC in %.1f s" % (count, time.monotonic() - t0))


def start_transmission(procs, d):
    web_port, peer_port = free_port(), free_port()
    conf, downloads = os.path.join(d, "transmission"), os.path.join(d, "downloads")
    os.makedirs(conf)
    os.makedirs(downloads)
    with open(os.path.join(conf, "settings.json"), "w") as f:
        json.dump({"rpc-whitelist-enabled": False, "rpc-host-whitelist-enabled": False, "dht-enabled": False,
                   "lpd-enabled": False, "pex-enabled": False, "utp-enabled": False, "port-forwarding-enabled": False,
                   "peer-port": peer_port, "download-dir": downloads, "incomplete-dir-enabled": False,
                   "ratio-limit-enabled": False}, f)
    env = dict(os.environ, TRANSMISSION_WEB_HOME=os.path.join(ROOT, "web"))
    p = procs.start("transmission-daemon", ["transmission-daemon", "-f", "-g", conf, "--rpc-bind-address",
                                            "127.0.0.1", "-p", str(web_port), "-T"], env=env)
    wait_port(web_port, 30)
    return p, {"url": "http://127.0.0.1:%d/transmission/web/" % web_port, "downloadDir": downloads,
               "rpcPath": "/transmission/rpc",
               "user": None, "password": None, "canCreate": False, "shareRoot": os.path.join(d, "share")}


def main():
    backend = os.environ.get("SHOAL_WEB_BACKEND", "shoald")
    shots = os.environ.get("SHOAL_SCREENSHOTS", os.path.join(os.environ.get("SHOAL_BIN", ROOT + "/build/bin"),
                                                              "..", "browser-screenshots"))
    shots = os.path.abspath(shots)
    shutil.rmtree(shots, ignore_errors=True)
    os.makedirs(shots)
    if not os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")):
        print("tests/browser/node_modules is missing: run `npm ci` in tests/browser (scripts/install-deps.sh does)")
        return 1
    with TempDir() as d:
        procs = Procs(d)
        try:
            make_content(d)
            announce = start_tracker(procs, interval=2)
            make_torrent(os.path.join(d, "seed", "alpha.bin"), os.path.join(d, "alpha.torrent"), 64 * 1024, announce)
            make_torrent(os.path.join(d, "seed", "beta"), os.path.join(d, "beta.torrent"), 32 * 1024, announce)
            make_torrent(os.path.join(d, "seed", "delta.bin"), os.path.join(d, "delta.torrent"), 32 * 1024, announce)
            seed_port = free_port()
            procs.start("seed", [bin_path("seed"), os.path.join(d, "alpha.torrent"), os.path.join(d, "beta.torrent"),
                                 os.path.join(d, "delta.torrent"),
                                 "--data", os.path.join(d, "seed"), "--host", "127.0.0.1", "--port", str(seed_port),
                                 "--max-upload-rate", "256K"])  # slow enough to watch the peers tab
            wait_port(seed_port, 30)
            start = start_shoald_backend if backend == "shoald" else start_transmission
            daemon, cfg = start(procs, d)
            cfg.update({"backend": backend, "announce": announce, "screenshots": shots,
                        "alphaTorrent": os.path.join(d, "alpha.torrent"), "betaTorrent": os.path.join(d, "beta.torrent"),
                        "deltaMagnet": magnet_of(os.path.join(d, "delta.torrent"), "delta.bin", announce),
                        "seedDir": os.path.join(d, "seed")})
            cfg["many"] = int(os.environ.get("SHOAL_WEB_MANY", "1000"))
            add_many_paused(cfg, cfg["many"])
            env = dict(os.environ, SHOAL_WEB_TEST=json.dumps(cfg))
            t0 = time.monotonic()
            r = subprocess.run(["node", os.path.join(HERE, "web_ui.mjs")], env=env, timeout=540)
            print("browser test: exit %d after %.1f s; screenshots in %s" % (r.returncode, time.monotonic() - t0, shots))
            if r.returncode != 0:
                print("--- %s log (tail) ---\n%s" % (daemon.name, log_text(daemon)[-4000:]))
            if daemon.poll() is not None:
                print("%s exited (%s) during the test" % (daemon.name, daemon.returncode))
                return 1
            return r.returncode
        finally:
            procs.kill_all()


if __name__ == "__main__":
    sys.exit(main())
