"""Interop on loopback through our tracker: aria2c from our seed; our leech from an aria2c seed and a libtorrent seed."""
import os
import shutil
import sys
import textwrap
import unittest

from swarm_testlib import (Procs, TempDir, bin_path, free_port, log_text, make_torrent, same_tree, start_tracker,
                           wait_exit, wait_for_log, wait_port, write_random_file)

MiB = 1024 * 1024
ARIA2 = shutil.which("aria2c")
ARIA2_QUIET = ["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
               "--summary-interval=0", "--console-log-level=warn", "--file-allocation=none", "--disable-ipv6=true",
               "--bt-tracker-connect-timeout=10", "--bt-tracker-timeout=10", "--allow-overwrite=true"]

LIBTORRENT_SEED = textwrap.dedent("""
    import sys, time
    import libtorrent as lt
    torrent, save_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = lt.session({'listen_interfaces': '127.0.0.1:%d' % port, 'enable_dht': False, 'enable_lsd': False,
                    'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True,
                    'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification})
    h = s.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save_path})
    while not h.status().is_seeding:
        time.sleep(0.1)
    print('libtorrent seeding', flush=True)
    while True:
        time.sleep(1)
""")


class PeerInterop(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()
        self.procs = Procs(self.dir)
        self.announce = start_tracker(self.procs, interval=2)
        self.data = os.path.join(self.dir, "data", "sample.bin")
        write_random_file(self.data, 6 * MiB + 4321, seed=21)
        self.torrent = os.path.join(self.dir, "t.torrent")
        make_torrent(self.data, self.torrent, 256 * 1024, self.announce)
        self.out = os.path.join(self.dir, "out")

    def tearDown(self):
        self.procs.kill_all()
        self.tmp.__exit__(None, None, None)

    def our_leech(self):
        return self.procs.start("leech", [bin_path("leech"), self.torrent, "-o", self.out, "--host", "127.0.0.1",
                                          "--port", str(free_port()), "--timeout", "60"])

    @unittest.skipUnless(ARIA2, "aria2c not installed")
    def test_aria2_downloads_from_our_seed(self):
        port = free_port()
        self.procs.start("seed", [bin_path("seed"), self.torrent, "--data", self.data, "--host", "127.0.0.1",
                                  "--port", str(port)])
        wait_port(port, 30)
        aria = self.procs.start("aria2c", [ARIA2, *ARIA2_QUIET, "--dir", self.out, "--seed-time=0",
                                           "--listen-port=%d" % free_port(), "--bt-stop-timeout=60", self.torrent])
        self.assertEqual(wait_exit(aria, 120), 0, log_text(aria))
        self.assertTrue(same_tree(self.data, os.path.join(self.out, "sample.bin")))

    @unittest.skipUnless(ARIA2, "aria2c not installed")
    def test_our_leech_downloads_from_aria2_seed(self):
        self.procs.start("aria2c", [ARIA2, *ARIA2_QUIET, "--dir", os.path.dirname(self.data), "-V",
                                    "--seed-ratio=0.0", "--listen-port=%d" % free_port(), self.torrent])
        leech = self.our_leech()
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(self.data, os.path.join(self.out, "sample.bin")))

    def test_our_leech_downloads_from_libtorrent_seed(self):
        script = os.path.join(self.dir, "lt_seed.py")
        with open(script, "w") as f:
            f.write(LIBTORRENT_SEED)
        lt = self.procs.start("libtorrent", ["/usr/bin/python3", script, self.torrent, os.path.dirname(self.data),
                                             str(free_port())])
        wait_for_log(lt, "libtorrent seeding", 60)
        leech = self.our_leech()
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(self.data, os.path.join(self.out, "sample.bin")))


if __name__ == "__main__":
    unittest.main()
