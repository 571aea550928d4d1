"""Installed as users install daemons: `cmake --install` puts the tools, the web UI and the systemd unit under a
prefix, and the installed shoald serves the installed UI; `cpack` makes a .deb holding them, whose post-install
step adds the shoald user."""
import os
import subprocess
import tempfile
import unittest
import urllib.request

from ports import free_port, wait_port
from swarm_testlib import bin_path

BUILD = os.path.dirname(os.path.dirname(os.path.abspath(bin_path("shoald"))))  # bin/ sits in the build folder


def read(path):
    with open(path) as f:
        return f.read()


class Install(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="shoal-install-")
        self.addCleanup(self.tmp.cleanup)

    def test_install_puts_tools_ui_and_unit_and_the_installed_daemon_serves_its_ui(self):
        prefix = os.path.join(self.tmp.name, "prefix")
        subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], check=True, capture_output=True, timeout=120)
        for tool in ("tracker", "mktorrent-lite", "torrent-info", "seed", "leech", "shoald"):
            self.assertTrue(os.access(os.path.join(prefix, "bin", tool), os.X_OK), tool)
        self.assertTrue(os.path.isfile(os.path.join(prefix, "share", "shoal", "web", "index.html")))
        unit = read(os.path.join(prefix, "lib", "systemd", "system", "shoald.service"))
        self.assertIn("User=shoald", unit)
        self.assertIn("Type=notify", unit)  # shoald says READY=1 (test_daemon_notify)
        self.assertIn("ExecReload=/bin/kill -HUP $MAINPID", unit)
        state = os.path.join(self.tmp.name, "state")
        port = free_port()
        p = subprocess.Popen([os.path.join(prefix, "bin", "shoald"), "--state-dir", state, "--download-dir",
                              os.path.join(state, "downloads"), "--rpc-port", str(port), "--peer-port", "0"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_port(port, 20)
            with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10) as r:
                page = r.read().decode()
            self.assertIn("<html", page.lower())
            self.assertEqual(page, read(os.path.join(prefix, "share", "shoal", "web", "index.html")))
        finally:
            p.terminate()
            self.assertEqual(p.wait(timeout=20), 0)
            p.stderr.close()

    def test_cpack_makes_a_deb_with_the_daemon_its_unit_and_the_user_step(self):
        out = os.path.join(self.tmp.name, "deb")
        subprocess.run(["cpack", "-G", "DEB", "-B", out, "--config", os.path.join(BUILD, "CPackConfig.cmake")],
                       check=True, capture_output=True, timeout=300, cwd=BUILD)
        debs = [f for f in os.listdir(out) if f.endswith(".deb")]
        self.assertEqual(len(debs), 1, os.listdir(out))
        deb = os.path.join(out, debs[0])
        listing = subprocess.run(["dpkg-deb", "-c", deb], check=True, capture_output=True, text=True).stdout
        for path in ("./usr/bin/shoald", "./usr/bin/tracker", "./usr/share/shoal/web/index.html",
                     "./usr/lib/systemd/system/shoald.service"):
            self.assertIn(path, listing)
        postinst = subprocess.run(["dpkg-deb", "-I", deb, "postinst"], check=True, capture_output=True,
                                  text=True).stdout
        self.assertIn("adduser --system", postinst)


if __name__ == "__main__":
    unittest.main()
