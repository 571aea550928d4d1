"""A leech reserves its files' space (fallocate) before downloading, so a full disk is reported at once, naming the
file and the bytes; --sparse keeps sparse files. The small disk is a tmpfs mounted in a private mount namespace
(unshare -m; root or CAP_SYS_ADMIN): the test is skipped, saying why, where that is impossible."""
import os
import subprocess
import time
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_tree, wait_exit,
                           find_event, wait_resumed, write_random_file)

KiB = 1024
MiB = 1024 * KiB


def small_disk_unavailable():
    """Why a private tmpfs cannot be mounted here, or None."""
    probe = "/tmp/shoal-prealloc-probe-%d" % os.getpid()
    os.makedirs(probe, exist_ok=True)
    try:
        r = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs '%s'" % probe],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unshare -m not usable: %s" % e
    finally:
        os.rmdir(probe)
    if r.returncode != 0:
        return "cannot mount a tmpfs in a private mount namespace (needs root): %s" % r.stderr.strip()
    return None


class Preallocate(SwarmTestCase):
    def setUp(self):
        super().setUp()
        self.data = self.path("d", "big.bin")
        write_random_file(self.data, 4 * MiB, seed=51)
        self.torrent = self.path("big.bin.torrent")
        make_torrent(self.data, self.torrent, 64 * KiB)

    def leech_on_small_disk(self, name, disk_size, *extra):
        """A leech whose output folder is a fresh tmpfs of disk_size, seen only by the leech."""
        unavailable = small_disk_unavailable()
        if unavailable:
            self.skipTest(unavailable)
        out = self.path("small")
        os.makedirs(out, exist_ok=True)
        leech = [bin_path("leech"), self.torrent, "-o", out, "--host", "127.0.0.1", "--port", str(free_port()),
                 "--json", *extra]
        script = 'mount -t tmpfs -o size=%s tmpfs "$0" && exec "$@"' % disk_size
        return self.procs.start(name, ["unshare", "-m", "sh", "-c", script, out, *leech])

    def test_no_space_is_reported_before_any_download(self):
        # The seed is slow (1 MB/s): a download would take seconds before filling 2 MiB.
        _, port = self.start_seed("seed", self.torrent, self.data, "--max-upload-rate", "1000000")
        started = time.time()
        leech = self.leech_on_small_disk("leech", "2m", "--peer", "127.0.0.1:%d" % port, "--timeout", "60")
        self.assertNotEqual(wait_exit(leech, 60), 0, log_text(leech))
        text = log_text(leech)
        self.assertRegex(text, r"no space for \S*big\.bin: preallocating its 4194304 bytes needs 4194304 more, \d+ are free")
        self.assertIsNone(find_event(leech, "state", to="downloading"), text)  # the download never started
        self.assertIn("no space for", find_event(leech, "state", to="error")["error"])
        self.assertLess(time.time() - started, 20)

    def test_sparse_keeps_todays_behaviour(self):
        leech = self.leech_on_small_disk("leech", "2m", "--sparse", "--peer", "127.0.0.1:%d" % free_port(),
                                         "--timeout", "2")
        self.assertNotEqual(wait_exit(leech, 60), 0, log_text(leech))
        text = log_text(leech)
        self.assertNotIn("no space", text)
        # started: the full disk would show only while writing
        self.assertEqual(find_event(leech, "state", to="downloading")["pieces_have"], 0, text)

    def test_download_fits_on_a_disk_just_large_enough(self):
        _, port = self.start_seed("seed", self.torrent, self.data)
        leech = self.leech_on_small_disk("leech", "5m", "--peer", "127.0.0.1:%d" % port, "--timeout", "60")
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertEqual(find_event(leech, "completed")["verified_bytes"], 4194304, log_text(leech))

    def test_preallocated_file_resumes_and_its_zeros_are_not_data(self):
        out = self.path("out")
        first = self.procs.start("first", [bin_path("leech"), self.torrent, "-o", out, "--port", str(free_port()),
                                           "--timeout", "60", "--json"])
        self.assertEqual(wait_resumed(first, 60), (0, 64))
        first.kill()
        first.wait(10)
        st = os.stat(os.path.join(out, "big.bin"))
        self.assertEqual(st.st_size, 4 * MiB)
        self.assertGreaterEqual(st.st_blocks * 512, 4 * MiB, "the file's blocks were not reserved")
        _, port = self.start_seed("seed", self.torrent, self.data)
        second = self.procs.start("second", [bin_path("leech"), self.torrent, "-o", out, "--port", str(free_port()),
                                             "--timeout", "60", "--peer", "127.0.0.1:%d" % port, "--json"])
        self.assertEqual(wait_exit(second, 120), 0, log_text(second))
        self.assertEqual(find_event(second, "state", to="downloading")["pieces_have"], 0, log_text(second))
        self.assertTrue(same_tree(self.data, os.path.join(out, "big.bin")))


if __name__ == "__main__":
    unittest.main()
