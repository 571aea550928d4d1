"""shoald and magnet links (torrent-add with a magnet URI as `filename`), with our tracker and our seed on loopback:
the torrent is listed at once (its name from dn, metadataPercentComplete below 1), fetches the metadata from the
seed and then the data, byte-identical; the state folder keeps the magnet until the metadata arrives and the
.torrent after, so a restart brings it back either way."""
import hashlib
import os
import time
import unittest
import urllib.parse

from bdecode import bdecode_torrent
from shoald_testlib import RpcClient, RpcError, start_shoald, stop_shoald
from swarm_testlib import SwarmTestCase, log_text, make_torrent, same_file, start_tracker, write_random_file

MIB = 1024 * 1024
STOPPED, SEED = 0, 6
FIELDS = ["id", "name", "hashString", "status", "percentDone", "metadataPercentComplete", "totalSize", "error",
          "errorString", "torrentFile", "magnetLink"]


def info_hash_of(torrent):
    with open(torrent, "rb") as f:
        return hashlib.sha1(bdecode_torrent(f.read())[1]).hexdigest()


def magnet(info_hash_hex, name=None, trackers=()):
    parts = ["xt=urn:btih:" + info_hash_hex]
    if name:
        parts.append("dn=" + urllib.parse.quote(name))
    parts += ["tr=" + urllib.parse.quote(t, safe="") for t in trackers]
    return "magnet:?" + "&".join(parts)


class DaemonMagnet(SwarmTestCase):
    def start_daemon(self):
        self.daemon, port = start_shoald(self.procs, self.dir)
        self.rpc = RpcClient(port)
        self.addCleanup(self.rpc.close)

    def restart_daemon(self):
        self.rpc.close()
        self.assertEqual(stop_shoald(self.daemon), 0, log_text(self.daemon)[-3000:])
        self.start_daemon()

    def tearDown(self):
        if getattr(self, "daemon", None) is not None and self.daemon.poll() is None:
            self.assertEqual(stop_shoald(self.daemon), 0, log_text(self.daemon)[-3000:])
        super().tearDown()

    def state_files(self):
        return sorted(os.listdir(self.path("shoald-state", "torrents")))

    def get(self, tid):
        got = self.rpc.torrents(FIELDS, ids=[tid])
        self.assertEqual(len(got), 1, got)
        return got[0]

    def test_magnet_completes_and_restarts_keep_it(self):
        announce = start_tracker(self.procs, interval=2)
        write_random_file(self.path("seed", "album.bin"), 2 * MIB + 777, seed=5)
        torrent = self.path("album.torrent")
        make_torrent(self.path("seed", "album.bin"), torrent, 64 * 1024, announce=announce)
        hash_hex = info_hash_of(torrent)
        self.start_daemon()

        # Nobody seeds yet: the torrent is there at once, named from dn, waiting for its metadata.
        link = magnet(hash_hex, "The Album", [announce])
        added = self.rpc.call("torrent-add", filename=link)["torrent-added"]
        self.assertEqual(added["hashString"], hash_hex)
        self.assertEqual(added["name"], "The Album")
        t = self.get(added["id"])
        self.assertEqual(t["name"], "The Album")
        self.assertEqual(t["hashString"], hash_hex)
        self.assertLess(t["metadataPercentComplete"], 1.0)
        self.assertEqual(t["error"], 0, t)
        self.assertIn(hash_hex + ".magnet", self.state_files())
        self.assertNotIn(hash_hex + ".torrent", self.state_files())
        # The same magnet again is Transmission's torrent-duplicate.
        dup = self.rpc.request("torrent-add", {"filename": link})
        self.assertIn("torrent-duplicate", dup["arguments"], dup)

        # A restart before the metadata keeps it (the magnet is in the state folder).
        self.restart_daemon()
        listed = self.rpc.torrents(FIELDS)
        self.assertEqual([x["hashString"] for x in listed], [hash_hex], listed)
        self.assertEqual(listed[0]["name"], "The Album")
        self.assertLess(listed[0]["metadataPercentComplete"], 1.0)
        tid = listed[0]["id"]

        # The seed comes: metadata, then the data, byte-identical; the state folder now holds the .torrent.
        self.start_seed("seed", torrent, self.path("seed", "album.bin"))
        done = self.rpc.wait_for(tid, lambda x: x["status"] == SEED, 180, fields=FIELDS)
        self.assertEqual(done["percentDone"], 1.0)
        self.assertEqual(done["metadataPercentComplete"], 1.0)
        self.assertEqual(done["name"], "album.bin")
        self.assertEqual(done["totalSize"], 2 * MIB + 777)
        self.assertTrue(same_file(self.path("seed", "album.bin"), self.path("shoald-downloads", "album.bin")))
        deadline = time.time() + 30
        while time.time() < deadline and hash_hex + ".magnet" in self.state_files():
            time.sleep(0.2)
        files = self.state_files()
        self.assertIn(hash_hex + ".torrent", files)
        self.assertNotIn(hash_hex + ".magnet", files)
        self.assertEqual(info_hash_of(self.path("shoald-state", "torrents", hash_hex + ".torrent")), hash_hex)
        self.assertEqual(done["torrentFile"], self.path("shoald-state", "torrents", hash_hex + ".torrent"))

        # A restart after the metadata brings back the torrent itself, complete.
        self.restart_daemon()
        listed = self.rpc.torrents(FIELDS)
        self.assertEqual([x["hashString"] for x in listed], [hash_hex], listed)
        back = self.rpc.wait_for(listed[0]["id"], lambda x: x["status"] == SEED, 120, fields=FIELDS)
        self.assertEqual(back["name"], "album.bin")
        self.assertEqual(back["percentDone"], 1.0)

    def test_magnet_paused_remove_and_bad_links(self):
        self.start_daemon()
        hash_hex = "0123456789abcdef0123456789abcdef01234567"
        added = self.rpc.call("torrent-add", filename=magnet(hash_hex), paused=True)["torrent-added"]
        self.assertEqual(added["name"], hash_hex)  # no dn: the hash names it
        t = self.get(added["id"])
        self.assertEqual(t["status"], STOPPED)
        self.assertEqual(t["metadataPercentComplete"], 0.0)
        self.assertTrue(t["magnetLink"].startswith("magnet:?xt=urn:btih:" + hash_hex), t)
        self.rpc.call("torrent-remove", ids=[added["id"]], **{"delete-local-data": True})
        self.assertEqual(self.rpc.torrents(["id"]), [])
        self.assertEqual([f for f in self.state_files() if f.startswith(hash_hex)], [])
        for bad, says in (("magnet:?dn=nohash", "xt"), ("magnet:?xt=urn:btih:12345", "xt")):
            with self.assertRaises(RpcError) as e:
                self.rpc.call("torrent-add", filename=bad)
            self.assertIn(says, str(e.exception))
        self.assertIn("rpc-version", self.rpc.call("session-get"))


if __name__ == "__main__":
    unittest.main()
