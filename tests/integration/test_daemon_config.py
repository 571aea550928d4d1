"""shoald's --config file: its keys apply (flags override them), a bad file is refused at start naming the key,
SIGHUP reloads it (Host names, download folder) and a bad file at reload keeps the running settings."""
import json
import os
import resource
import signal
import unittest

from shoald_testlib import RpcClient, stop_shoald
from swarm_testlib import SwarmTestCase, bin_path, free_port, log_text, wait_for_log, wait_port


class DaemonConfig(SwarmTestCase):
    def write_config(self, **keys):
        with open(self.path("settings.json"), "w") as f:
            json.dump({k.replace("_", "-"): v for k, v in keys.items()}, f)

    def start(self, *extra):
        port = free_port()
        p = self.procs.start("shoald", [bin_path("shoald"), "--state-dir", self.path("state"), "--config",
                                        self.path("settings.json"), "--rpc-port", str(port), "--peer-port",
                                        str(free_port()), *extra])
        return p, port

    def test_bad_key_refused_at_start(self):
        self.write_config(download_dir=self.path("d"), rpc_prot=9091)
        p, _ = self.start()
        self.assertEqual(p.wait(timeout=30), 2)
        self.assertIn("rpc-prot", log_text(p))

    def test_file_flags_and_sighup(self):
        self.write_config(download_dir=self.path("from-file"), peer_limit_per_torrent=33)
        p, port = self.start("--peer-limit-per-torrent", "44")
        wait_port(port, 30)
        rpc = RpcClient(port)
        self.addCleanup(rpc.close)
        got = rpc.call("session-get")
        self.assertEqual((got["download-dir"], got["peer-limit-per-torrent"]), (self.path("from-file"), 44))
        status, _, _ = rpc.raw("GET", "/whoami", headers={"Host": "nas.lan"})
        self.assertEqual(status, 421)

        self.write_config(download_dir=self.path("reloaded"), rpc_host_whitelist=["nas.lan"], speed_limit_down=300,
                          peer_limit_global=77)
        p.send_signal(signal.SIGHUP)
        wait_for_log(p, r"SIGHUP: .* reloaded", 30)
        got = rpc.call("session-get")  # the global limits apply at once
        self.assertEqual((got["speed-limit-down"], got["speed-limit-down-enabled"], got["peer-limit-global"]),
                         (300, True, 77))
        self.assertFalse(got["speed-limit-up-enabled"])
        status, _, _ = rpc.raw("GET", "/whoami", headers={"Host": "nas.lan:%d" % port})
        self.assertEqual(status, 200)
        self.assertEqual(rpc.call("session-get")["download-dir"], self.path("reloaded"))

        with open(self.path("settings.json"), "w") as f:
            f.write('{"download-dir": 5}')
        p.send_signal(signal.SIGHUP)
        wait_for_log(p, r"keeping the running settings", 30)
        self.assertEqual(rpc.call("session-get")["download-dir"], self.path("reloaded"))
        self.assertEqual(stop_shoald(p), 0)

    def test_open_file_limit_raised_to_the_hard_limit(self):
        # Each torrent holds its folder open: the soft limit (1024 under systemd) would stop the daemon near 1,000
        # torrents. Started with soft 256 / hard 4096, shoald runs with 4096.
        self.write_config(download_dir=self.path("d"))
        limit = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, 4096))
        port = free_port()
        p = self.procs.start("shoald", [bin_path("shoald"), "--state-dir", self.path("state"), "--config",
                                        self.path("settings.json"), "--rpc-port", str(port), "--peer-port",
                                        str(free_port())], preexec_fn=limit)
        wait_port(port, 30)
        with open("/proc/%d/limits" % p.pid) as f:
            line = [l for l in f if l.startswith("Max open files")][0]
        self.assertEqual(line.split()[3:5], ["4096", "4096"], line)
        self.assertEqual(stop_shoald(p), 0)


if __name__ == "__main__":
    unittest.main()
