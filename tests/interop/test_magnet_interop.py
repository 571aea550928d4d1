"""Magnet links across clients on loopback: libtorrent and aria2c magnet leeches fetch the metadata (BEP 9 over
BEP 10) and then the data from our seed; our magnet leech does the same from a libtorrent seed and an aria2c seed."""
import os
import shutil
import textwrap
import unittest

from bdecode import bdecode_torrent
from one_peer_tracker import OnePeerTracker
from swarm_testlib import (Procs, TempDir, bin_path, free_port, log_text, make_torrent, same_tree, start_tracker,
                           wait_exit, wait_for_log, wait_port, write_random_file)

MiB = 1024 * 1024
ARIA2 = shutil.which("aria2c")
ARIA2_QUIET = ["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
               "--summary-interval=0", "--console-log-level=warn", "--file-allocation=none", "--disable-ipv6=true",
               "--bt-tracker-connect-timeout=10", "--bt-tracker-timeout=10", "--allow-overwrite=true"]

SETTINGS = ("{'listen_interfaces': '127.0.0.1:%d' % port, 'enable_dht': False, 'enable_lsd': False, "
            "'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True}")

LIBTORRENT_MAGNET_LEECH = textwrap.dedent("""
    import sys, time
    import libtorrent as lt
    link, save_path, port, peer_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = lt.session(%s)
    p = lt.parse_magnet_uri(link)
    p.save_path = save_path
    h = s.add_torrent(p)
    h.connect_peer(('127.0.0.1', peer_port))
    deadline = time.time() + 100
    while not h.status().has_metadata and time.time() < deadline:
        time.sleep(0.1)
    print('libtorrent has metadata: %%s' %% h.status().has_metadata, flush=True)
    while not h.status().is_seeding and time.time() < deadline:
        time.sleep(0.1)
    print('libtorrent done: %%s' %% h.status().is_seeding, flush=True)
    sys.exit(0 if h.status().is_seeding else 1)
""" % SETTINGS)

LIBTORRENT_SEED = textwrap.dedent("""
    import sys, time
    import libtorrent as lt
    torrent, save_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = lt.session(%s)
    h = s.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save_path})
    while not h.status().is_seeding:
        time.sleep(0.1)
    print('libtorrent seeding', flush=True)
    while True:
        time.sleep(1)
""" % SETTINGS)


class MagnetInterop(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()
        self.procs = Procs(self.dir)
        self.announce = start_tracker(self.procs, interval=2)
        self.data = os.path.join(self.dir, "data", "sample.bin")
        write_random_file(self.data, 3 * MiB + 4321, seed=31)
        self.torrent = os.path.join(self.dir, "t.torrent")
        self.info_hash = make_torrent(self.data, self.torrent, 64 * 1024, self.announce)
        self.out = os.path.join(self.dir, "out")

    def tearDown(self):
        self.procs.kill_all()
        self.tmp.__exit__(None, None, None)

    def script(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def our_seed(self):
        port = free_port()
        self.procs.start("seed", [bin_path("seed"), self.torrent, "--data", self.data, "--host", "127.0.0.1",
                                  "--port", str(port)])
        wait_port(port, 30)
        return port

    def test_libtorrent_magnet_leech_from_our_seed(self):
        port = self.our_seed()
        link = "magnet:?xt=urn:btih:%s&dn=sample.bin" % self.info_hash
        lt = self.procs.start("libtorrent", ["/usr/bin/python3", self.script("lt.py", LIBTORRENT_MAGNET_LEECH), link,
                                             self.out, str(free_port()), str(port)])
        self.assertEqual(wait_exit(lt, 150), 0, log_text(lt))
        self.assertIn("libtorrent has metadata: True", log_text(lt))
        self.assertTrue(same_tree(self.data, os.path.join(self.out, "sample.bin")))

    @unittest.skipUnless(ARIA2, "aria2c not installed")
    def test_aria2_magnet_leech_from_our_seed(self):
        tracker = OnePeerTracker(self.our_seed())
        self.addCleanup(tracker.stop)
        link = "magnet:?xt=urn:btih:%s&dn=sample.bin&tr=%s" % (self.info_hash, tracker.url)
        aria = self.procs.start("aria2c", [ARIA2, *ARIA2_QUIET, "--dir", self.out, "--seed-time=0",
                                           "--bt-metadata-only=false", "--bt-save-metadata=false",
                                           "--listen-port=%d" % free_port(), "--bt-stop-timeout=60", link])
        self.assertEqual(wait_exit(aria, 150), 0, log_text(aria))
        self.assertTrue(same_tree(self.data, os.path.join(self.out, "sample.bin")))

    def test_our_magnet_leech_from_libtorrent_seed(self):
        port = free_port()
        lt = self.procs.start("libtorrent", ["/usr/bin/python3", self.script("lt_seed.py", LIBTORRENT_SEED),
                                             self.torrent, os.path.dirname(self.data), str(port)])
        wait_for_log(lt, "libtorrent seeding", 60)
        saved = os.path.join(self.dir, "learned.torrent")
        link = "magnet:?xt=urn:btih:%s&x.pe=127.0.0.1:%d" % (self.info_hash, port)
        leech = self.procs.start("leech", [bin_path("leech"), link, "-o", self.out, "--host", "127.0.0.1", "--port",
                                           str(free_port()), "--timeout", "60", "--save-torrent", saved])
        self.assertEqual(wait_exit(leech, 150), 0, log_text(leech))
        self.assertTrue(same_tree(self.data, os.path.join(self.out, "sample.bin")))
        with open(saved, "rb") as f, open(self.torrent, "rb") as g:
            self.assertEqual(bdecode_torrent(f.read())[1], bdecode_torrent(g.read())[1])

    @unittest.skipUnless(ARIA2, "aria2c not installed")
    def test_our_magnet_leech_from_aria2_seed(self):
        port = free_port()
        aria = self.procs.start("aria2c-seed", [ARIA2, *ARIA2_QUIET, "--dir", os.path.dirname(self.data),
                                                "--check-integrity=true", "--seed-ratio=0.0",
                                                "--listen-port=%d" % port, self.torrent])
        wait_port(port, 60)
        saved = os.path.join(self.dir, "learned.torrent")
        link = "magnet:?xt=urn:btih:%s&x.pe=127.0.0.1:%d" % (self.info_hash, port)
        leech = self.procs.start("leech", [bin_path("leech"), link, "-o", self.out, "--host", "127.0.0.1", "--port",
                                           str(free_port()), "--timeout", "60", "--no-dht", "--save-torrent", saved])
        self.assertEqual(wait_exit(leech, 150), 0, log_text(leech) + log_text(aria))
        self.assertTrue(same_tree(self.data, os.path.join(self.out, "sample.bin")))
        with open(saved, "rb") as f, open(self.torrent, "rb") as g:
            self.assertEqual(bdecode_torrent(f.read())[1], bdecode_torrent(g.read())[1])


if __name__ == "__main__":
    unittest.main()
