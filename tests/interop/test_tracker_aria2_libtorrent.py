"""aria2c and libtorrent find each other through our tracker and move a file: libtorrent
seeds a generated file (torrent made by mktorrent), aria2c downloads it, and the other
way round. Everything on loopback with bounded timeouts."""
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import libtorrent as lt

from tracker_testlib import Tracker, bdecode, free_port

TIMEOUT = 90


def lt_session(port):
    settings = {
        "listen_interfaces": f"127.0.0.1:{port}",
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "announce_to_all_trackers": True, "announce_to_all_tiers": True,
        "ssrf_mitigation": False, "allow_idna": True,
        "no_connect_privileged_ports": False,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.tracker_notification,
    }
    return lt.session(settings)


def info_hash_of(torrent_path):
    with open(torrent_path, "rb") as f:
        data = f.read()
    start = data.index(b"4:infod") + 6
    # The info dictionary runs to the second-to-last byte of a mktorrent file.
    return hashlib.sha1(data[start:-1]).digest()


class Transfer(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shoal-tracker-interop-")
        self.tracker = Tracker("--interval", "5", "--min-interval", "1", *os.environ.get("TRACKER_ARGS", "").split())
        self.procs = []
        src = os.path.join(self.dir, "src")
        os.makedirs(src)
        self.payload = os.urandom(3 * 1024 * 1024 + 12345)
        self.name = "payload.bin"
        with open(os.path.join(src, self.name), "wb") as f:
            f.write(self.payload)
        self.torrent = os.path.join(self.dir, "payload.torrent")
        url = f"http://127.0.0.1:{self.tracker.port}/announce"
        subprocess.run(["mktorrent", "-a", url, "-l", "16", "-o", self.torrent,
                        os.path.join(src, self.name)], check=True, stdout=subprocess.DEVNULL,
                       timeout=60)
        self.src = src

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=10)
        self.tracker.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def scrape(self):
        h = info_hash_of(self.torrent)
        q = "".join(f"%{b:02x}" for b in h)
        files = bdecode(self.tracker.get(f"/scrape?info_hash={q}")[2])[b"files"]
        return files[h]

    def aria2(self, out_dir, seed):
        args = ["aria2c", "--dir", out_dir, "--enable-dht=false", "--enable-dht6=false",
                "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                f"--listen-port={free_port()}", "--console-log-level=warn", "--summary-interval=0",
                "--bt-tracker-connect-timeout=10", "--bt-tracker-timeout=10",
                "--bt-tracker-interval=2", "--file-allocation=none", "--check-integrity=true"]
        args += ["--seed-time=1000", "--seed-ratio=0.0"] if seed else ["--seed-time=0"]
        args.append(self.torrent)
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def test_libtorrent_seeds_aria2_downloads(self):
        ses = lt_session(free_port())
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(self.torrent)
        params.save_path = self.src
        handle = ses.add_torrent(params)
        deadline = time.monotonic() + TIMEOUT
        while not handle.status().is_seeding and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertTrue(handle.status().is_seeding, "libtorrent did not check the seed data")
        handle.force_reannounce()
        while self.scrape()[b"complete"] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(self.scrape()[b"complete"], 1, "libtorrent never announced as a seeder")

        out = os.path.join(self.dir, "aria2-out")
        p = self.aria2(out, seed=False)
        rc = p.wait(timeout=max(1, deadline - time.monotonic()))
        self.assertEqual(rc, 0, "aria2c failed")
        with open(os.path.join(out, self.name), "rb") as f:
            self.assertEqual(hashlib.sha1(f.read()).digest(), hashlib.sha1(self.payload).digest())
        # aria2c with --seed-time=0 sends started, then stopped (no completed): its stop
        # leaves libtorrent alone in the swarm.
        self.assertEqual((self.scrape()[b"complete"], self.scrape()[b"incomplete"]), (1, 0))
        self.assertGreaterEqual(json.loads(self.tracker.get("/stats")[2])["announces"], 3)
        del ses

    def test_aria2_seeds_libtorrent_downloads(self):
        self.aria2(self.src, seed=True)
        deadline = time.monotonic() + TIMEOUT
        while self.scrape()[b"complete"] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(self.scrape()[b"complete"], 1, "aria2c never announced as a seeder")

        ses = lt_session(free_port())
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(self.torrent)
        out = os.path.join(self.dir, "lt-out")
        params.save_path = out
        handle = ses.add_torrent(params)
        while not handle.status().is_seeding and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertTrue(handle.status().is_seeding, f"libtorrent did not finish: {handle.status().state}")
        with open(os.path.join(out, self.name), "rb") as f:
            self.assertEqual(hashlib.sha1(f.read()).digest(), hashlib.sha1(self.payload).digest())
        # libtorrent reports completion: the tracker counts a download and a second seeder.
        while self.scrape()[b"downloaded"] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(self.scrape()[b"downloaded"], 1)
        self.assertEqual(self.scrape()[b"complete"], 2)
        del ses


if __name__ == "__main__":
    unittest.main()
