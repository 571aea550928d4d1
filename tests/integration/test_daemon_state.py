"""shoald remembers its torrents: a restart brings every torrent back with its progress, dates and folder; a
SIGKILL in the middle of a download and a restart resume it (fetching less than the whole again) and it
completes byte-identical; --watch-dir adds a dropped .torrent (renamed .added) and sets a bad one aside
(.invalid)."""
import os
import signal
import time
import unittest

from shoald_testlib import RpcClient, metainfo_b64, start_shoald, stop_shoald
from swarm_testlib import SwarmTestCase, log_text, make_torrent, same_file, start_tracker, write_random_file

MIB = 1024 * 1024
STOPPED, SEED, DOWNLOAD = 0, 6, 4


class DaemonState(SwarmTestCase):
    def client(self, port):
        c = RpcClient(port)
        self.addCleanup(c.close)
        return c

    def seeded(self, name, size, *seed_args):
        announce = start_tracker(self.procs, interval=2)
        write_random_file(self.path("seed", name), size, seed=size)
        make_torrent(self.path("seed", name), self.path(name + ".torrent"), 64 * 1024, announce=announce)
        self.start_seed("seed", self.path(name + ".torrent"), self.path("seed", name), *seed_args)
        return self.path(name + ".torrent")

    def test_restart_keeps_every_torrent(self):
        torrent = self.seeded("a.bin", 2 * MIB)
        write_random_file(self.path("data", "b.bin"), 300 * 1024, seed=4)
        make_torrent(self.path("data", "b.bin"), self.path("b.torrent"), 16 * 1024)
        d, port = start_shoald(self.procs, self.dir)
        rpc = self.client(port)
        a = rpc.call("torrent-add", metainfo=metainfo_b64(torrent))["torrent-added"]
        b = rpc.call("torrent-add", metainfo=metainfo_b64(self.path("b.torrent")), paused=True,
                     download_dir=self.path("data"))["torrent-added"]
        rpc.wait_for(a["id"], lambda t: t["status"] == SEED, 120)
        before = {t["hashString"]: t for t in rpc.torrents(["hashString", "addedDate", "doneDate", "downloadDir",
                                                             "downloadedEver", "status"])}
        self.assertEqual(stop_shoald(d), 0)
        rpc.close()

        d2, port2 = start_shoald(self.procs, self.dir, name="shoald")
        rpc2 = self.client(port2)
        after = {t["hashString"]: t for t in rpc2.torrents(["hashString", "addedDate", "doneDate", "downloadDir",
                                                             "downloadedEver", "status"])}
        self.assertEqual(set(after), {a["hashString"], b["hashString"]})
        for h in after:
            for key in ("addedDate", "downloadDir", "downloadedEver"):
                self.assertEqual(after[h][key], before[h][key], key)
        self.assertEqual(after[b["hashString"]]["status"], STOPPED)  # paused stays paused
        ta = rpc2.torrents(["id", "hashString"], ids=[a["hashString"]])[0]
        rpc2.wait_for(ta["id"], lambda t: t["status"] == SEED and t["percentDone"] == 1.0, 60)
        self.assertEqual(rpc2.torrents(["doneDate"], ids=[ta["id"]])[0]["doneDate"], before[a["hashString"]]["doneDate"])
        # Removed: gone after the next restart too.
        rpc2.call("torrent-remove", ids=[ta["id"]])
        self.assertEqual(stop_shoald(d2), 0)
        rpc2.close()
        d3, port3 = start_shoald(self.procs, self.dir, name="shoald")
        self.assertEqual([t["hashString"] for t in self.client(port3).torrents(["hashString"])], [b["hashString"]])
        self.assertEqual(stop_shoald(d3), 0)

    def test_sigkill_mid_download_resumes(self):
        size = 6 * MIB
        torrent = self.seeded("big.bin", size, "--max-upload-rate", "600K")
        d, port = start_shoald(self.procs, self.dir)
        rpc = self.client(port)
        tid = rpc.call("torrent-add", metainfo=metainfo_b64(torrent))["torrent-added"]["id"]
        rpc.wait_for(tid, lambda t: 0.3 <= t["percentDone"] < 0.9, 120)
        time.sleep(3)  # the resume is written within 2 s of a verified piece
        had = rpc.torrents(["haveValid"], ids=[tid])[0]["haveValid"]
        d.send_signal(signal.SIGKILL)
        d.wait(timeout=10)
        rpc.close()

        d2, port2 = start_shoald(self.procs, self.dir, name="shoald")
        rpc2 = self.client(port2)
        t = rpc2.torrents(["id", "haveValid", "status"])[0]
        self.assertGreater(t["haveValid"], 0)
        self.assertGreaterEqual(t["haveValid"], had - 4 * 64 * 1024)  # at most a few pieces of the last seconds
        rpc2.wait_for(t["id"], lambda x: x["status"] == SEED, 180)
        self.assertTrue(same_file(self.path("seed", "big.bin"), self.path("shoald-downloads", "big.bin")))
        fetched = rpc2.call("session-stats")["current-stats"]["downloadedBytes"]
        self.assertLess(fetched, size - had // 2)
        self.assertEqual(stop_shoald(d2), 0, log_text(d2)[-2000:])

    def test_watch_dir(self):
        watch = self.path("watch")
        os.makedirs(watch)
        write_random_file(self.path("data", "w.bin"), 100 * 1024, seed=8)
        make_torrent(self.path("data", "w.bin"), self.path("w.torrent"), 16 * 1024)
        d, port = start_shoald(self.procs, self.dir, extra=("--watch-dir", watch))
        rpc = self.client(port)
        with open(self.path("w.torrent"), "rb") as src, open(os.path.join(watch, "w.torrent"), "wb") as dst:
            dst.write(src.read())
        with open(os.path.join(watch, "junk.torrent"), "wb") as f:
            f.write(b"this is no torrent")
        deadline = time.time() + 30
        while time.time() < deadline and not (os.path.exists(os.path.join(watch, "w.torrent.added")) and
                                              os.path.exists(os.path.join(watch, "junk.torrent.invalid"))):
            time.sleep(0.2)
        self.assertTrue(os.path.exists(os.path.join(watch, "w.torrent.added")), os.listdir(watch))
        self.assertTrue(os.path.exists(os.path.join(watch, "junk.torrent.invalid")), os.listdir(watch))
        self.assertEqual([t["name"] for t in rpc.torrents(["name"])], ["w.bin"])
        self.assertEqual(stop_shoald(d), 0)


if __name__ == "__main__":
    unittest.main()
