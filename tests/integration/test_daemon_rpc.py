"""shoald over its Transmission RPC, with our tracker and our seed on loopback: a torrent added by RPC completes
byte-identical; stop, start, verify, remove with and without data; the CSRF handshake and the Host check; every
bad input gets its error as the result and the daemon answers afterwards; SIGTERM stops it with status 0."""
import base64
import json
import os
import socket
import unittest

from shoald_testlib import RpcClient, RpcError, metainfo_b64, start_shoald, stop_shoald
from swarm_testlib import (SwarmTestCase, bin_path, log_text, make_torrent, same_file, same_tree, start_tracker,
                           wait_exit, write_random_file)

MIB = 1024 * 1024
STOPPED, CHECK_WAIT, CHECK, DOWNLOAD, SEED = 0, 1, 2, 4, 6


class DaemonRpc(SwarmTestCase):
    def setUp(self):
        super().setUp()
        self.web = self.path("web")
        os.makedirs(self.web)
        with open(os.path.join(self.web, "index.html"), "w") as f:
            f.write("<!doctype html><title>shoal</title>")
        self.share = self.path("share")
        os.makedirs(self.share)
        self.daemon, self.port = start_shoald(self.procs, self.dir, web_root=self.web,
                                              extra=("--allowed-root", self.share))
        self.rpc = RpcClient(self.port)
        self.addCleanup(self.rpc.close)
        self.downloads = self.path("shoald-downloads")

    def tearDown(self):
        if self.daemon.poll() is None:
            self.assertEqual(stop_shoald(self.daemon), 0, log_text(self.daemon)[-3000:])
        super().tearDown()

    def seeded_torrent(self, name, size):
        announce = start_tracker(self.procs, interval=2)
        write_random_file(self.path("seed", name), size, seed=size)
        make_torrent(self.path("seed", name), self.path(name + ".torrent"), 64 * 1024, announce=announce)
        self.start_seed("seed", self.path(name + ".torrent"), self.path("seed", name))
        return self.path(name + ".torrent")

    def assert_answers(self):
        self.assertIn("rpc-version", self.rpc.call("session-get"))

    def test_add_download_stop_start_verify_remove(self):
        torrent = self.seeded_torrent("movie.bin", 3 * MIB + 1234)
        added = self.rpc.call("torrent-add", metainfo=metainfo_b64(torrent))["torrent-added"]
        tid = added["id"]
        self.assertEqual(added["name"], "movie.bin")
        self.assertEqual(len(added["hashString"]), 40)
        done = self.rpc.wait_for(tid, lambda t: t["status"] == SEED, 120)
        self.assertEqual(done["percentDone"], 1.0)
        self.assertTrue(same_file(self.path("seed", "movie.bin"), os.path.join(self.downloads, "movie.bin")))

        # What transmission-remote -l asks for, typed as the spec says.
        listed = self.rpc.torrents(["id", "name", "error", "errorString", "eta", "isFinished", "leftUntilDone",
                                    "peersGettingFromUs", "peersSendingToUs", "rateDownload", "rateUpload",
                                    "sizeWhenDone", "status", "uploadRatio", "downloadedEver", "haveValid",
                                    "files", "fileStats", "peers", "trackerStats", "pieces", "pieceCount",
                                    "doneDate", "addedDate", "downloadDir"])
        self.assertEqual(len(listed), 1)
        t = listed[0]
        for key in ("id", "error", "eta", "leftUntilDone", "peersGettingFromUs", "peersSendingToUs", "rateDownload",
                    "rateUpload", "sizeWhenDone", "status", "downloadedEver", "haveValid", "pieceCount",
                    "doneDate", "addedDate"):
            self.assertIsInstance(t[key], int, key)
        self.assertIsInstance(t["uploadRatio"], float)
        self.assertEqual(t["leftUntilDone"], 0)
        self.assertEqual(t["sizeWhenDone"], 3 * MIB + 1234)
        self.assertEqual(t["files"], [{"bytesCompleted": 3 * MIB + 1234, "length": 3 * MIB + 1234, "name": "movie.bin"}])
        self.assertEqual(t["downloadDir"], self.downloads)
        self.assertGreater(t["doneDate"], 0)
        self.assertEqual(len(base64.b64decode(t["pieces"])), (t["pieceCount"] + 7) // 8)
        self.assertEqual(len(t["trackerStats"]), 1)

        table = self.rpc.request("torrent-get", {"fields": ["id", "name"], "format": "table"})["arguments"]
        self.assertEqual(table["torrents"], [["id", "name"], [tid, "movie.bin"]])

        # Stop, start (a bare integer id, as transmission-remote sends), verify.
        self.rpc.call("torrent-stop", ids=tid)
        self.rpc.wait_for(tid, lambda t: t["status"] == STOPPED, 30)
        self.rpc.call("torrent-start", ids=[tid])
        self.rpc.wait_for(tid, lambda t: t["status"] == SEED, 30)
        self.rpc.call("torrent-verify", ids=[added["hashString"]])
        self.rpc.wait_for(tid, lambda t: t["status"] == SEED and t["percentDone"] == 1.0, 60)
        self.rpc.call("torrent-reannounce", ids=[tid])

        recent = self.rpc.request("torrent-get", {"ids": "recently-active", "fields": ["id"]})["arguments"]
        self.assertEqual(recent["removed"], [])
        self.assertIn({"id": tid}, recent["torrents"])

        # Remove keeping the data, add again by path (a new id), remove with the data.
        self.rpc.call("torrent-remove", ids=[tid])
        self.assertEqual(self.rpc.torrents(["id"]), [])
        self.assertTrue(os.path.exists(os.path.join(self.downloads, "movie.bin")))
        recent = self.rpc.request("torrent-get", {"ids": "recently-active", "fields": ["id"]})["arguments"]
        self.assertEqual(recent["removed"], [tid])
        again = self.rpc.call("torrent-add", filename=torrent)["torrent-added"]["id"]
        self.assertNotEqual(again, tid)
        self.rpc.wait_for(again, lambda t: t["status"] == SEED, 60)
        self.rpc.call("torrent-remove", ids=[again], delete_local_data=True)
        self.assertFalse(os.path.exists(os.path.join(self.downloads, "movie.bin")))

        stats = self.rpc.call("session-stats")
        self.assertEqual(stats["torrentCount"], 0)
        self.assertGreaterEqual(stats["cumulative-stats"]["downloadedBytes"], 3 * MIB)

    def test_paused_add_limits_and_session_set(self):
        write_random_file(self.path("data", "a.bin"), 200 * 1024, seed=3)
        make_torrent(self.path("data", "a.bin"), self.path("a.torrent"), 16 * 1024)
        tid = self.rpc.call("torrent-add", metainfo=metainfo_b64(self.path("a.torrent")), paused=True,
                            download_dir=self.path("elsewhere"))["torrent-added"]["id"]
        t = self.rpc.torrents(["status", "downloadDir"], ids=[tid])[0]
        self.assertEqual(t, {"status": STOPPED, "downloadDir": self.path("elsewhere")})
        self.rpc.call("torrent-set", ids=[tid], downloadLimit=50, downloadLimited=True, peer_limit=7)
        t = self.rpc.torrents(["downloadLimit", "downloadLimited", "peer-limit"], ids=[tid])[0]
        self.assertEqual(t, {"downloadLimit": 50, "downloadLimited": True, "peer-limit": 7})
        self.rpc.call("session-set", download_dir=self.path("new-default"))
        self.assertEqual(self.rpc.call("session-get")["download-dir"], self.path("new-default"))
        with self.assertRaises(RpcError) as e:
            self.rpc.call("session-set", download_dir="relative/dir")
        self.assertIn("not an absolute path", str(e.exception))
        self.assertEqual(self.rpc.call("port-test"), {"port-is-open": False})
        self.assertIn("size-bytes", self.rpc.call("free-space", path=self.dir))

    def test_every_bad_input_gets_its_error(self):
        def result(body):
            status, _, data = self.rpc.post(body)
            self.assertEqual(status, 200, data)
            return json.loads(data)["result"]

        self.assertIn("not valid base64", result(b'{"method":"torrent-add","arguments":{"metainfo":"%%% no"}}'))
        junk = base64.b64encode(b"d4:infod4:name").decode()
        r = result(json.dumps({"method": "torrent-add", "arguments": {"metainfo": junk}}).encode())
        self.assertTrue(r.startswith("invalid or corrupt torrent file: "), r)
        self.assertGreater(len(r), len("invalid or corrupt torrent file: "))
        self.assertIn("malformed JSON body", result(b'{"method": "torrent-get", '))
        self.assertIn("method name not recognized", result(b'{"method":"torrent-explode"}'))
        self.assertIn("no such file", result(b'{"method":"torrent-add","arguments":{"filename":"/nonexistent/x.torrent"}}').lower())
        self.assertIn("arguments.ids", result(b'{"method":"torrent-stop","arguments":{"ids":[{"a":1}]}}'))
        self.assertIn("outside the allowed roots", result(b'{"method":"shoal-browse","arguments":{"path":"/etc"}}'))
        self.assertIn("outside the allowed roots", result(b'{"method":"torrent-create","arguments":{"path":"/etc"}}'))
        tag = self.rpc.request("torrent-explode", tag=41)
        self.assertEqual(tag["tag"], 41)

        write_random_file(self.path("data", "d.bin"), 100 * 1024, seed=9)
        make_torrent(self.path("data", "d.bin"), self.path("d.torrent"), 16 * 1024)
        first = self.rpc.call("torrent-add", metainfo=metainfo_b64(self.path("d.torrent")), paused=True)
        reply = self.rpc.request("torrent-add", {"metainfo": metainfo_b64(self.path("d.torrent"))})
        self.assertEqual(reply["result"], "duplicate torrent")
        self.assertEqual(reply["arguments"]["torrent-duplicate"], first["torrent-added"])

        # A body over 10 MiB: 413 before it is read.
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"POST /transmission/rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % (11 * MIB))
            self.assertIn(b" 413 ", s.recv(4096))
        self.assert_answers()
        self.assertEqual(self.daemon.poll(), None)

    def test_csrf_host_and_static_files(self):
        status, hdrs, _ = self.rpc.raw("POST", "/transmission/rpc", b'{"method":"session-get"}',
                                       {"Host": "127.0.0.1:%d" % self.port})
        self.assertEqual(status, 409)
        sid = hdrs["x-transmission-session-id"]
        self.assertGreaterEqual(len(sid), 32)
        status, _, data = self.rpc.raw("POST", "/transmission/rpc/", b'{"method":"session-get"}',
                                       {"Host": "localhost", "X-Transmission-Session-Id": sid})
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(data)["result"], "success")
        status, _, _ = self.rpc.raw("POST", "/transmission/rpc", b'{"method":"session-get"}',
                                    {"Host": "localhost", "X-Transmission-Session-Id": "forged"})
        self.assertEqual(status, 409)
        for host in ("evil.example", "evil.example:%d" % self.port, "127.0.0.1.evil.example"):
            status, _, data = self.rpc.raw("POST", "/transmission/rpc", b'{"method":"session-get"}',
                                           {"Host": host, "X-Transmission-Session-Id": sid})
            self.assertEqual(status, 421, host)
            self.assertIn(b"DNS rebinding", data)
            status, _, _ = self.rpc.raw("GET", "/", headers={"Host": host})
            self.assertEqual(status, 421)

        status, hdrs, data = self.rpc.raw("GET", "/", headers={"Host": "localhost"})
        self.assertEqual((status, hdrs["content-type"]), (200, "text/html; charset=utf-8"))
        self.assertIn(b"<title>shoal</title>", data)
        for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/missing.js"):
            status, _, _ = self.rpc.raw("GET", path, headers={"Host": "localhost"})
            self.assertEqual(status, 404, path)
        status, _, data = self.rpc.raw("GET", "/whoami", headers={"Host": "localhost"})
        self.assertEqual(json.loads(data), {"auth_required": False, "username": None})
        status, _, data = self.rpc.raw("POST", "/login", b'{"username":"a","password":"b"}',
                                       {"Host": "localhost", "Content-Type": "application/json"})
        self.assertEqual((status, json.loads(data)), (200, {"ok": True, "username": None}))

    def test_create_seed_and_browse(self):
        write_random_file(os.path.join(self.share, "album", "one.bin"), 300 * 1024, seed=1)
        write_random_file(os.path.join(self.share, "album", "two.bin"), 100 * 1024 + 3, seed=2)
        roots = self.rpc.call("shoal-browse")
        self.assertEqual(roots["roots"], [self.share])
        listing = self.rpc.call("shoal-browse", path=self.share)
        self.assertEqual([(e["name"], e["directory"]) for e in listing["entries"]], [("album", True)])
        inside = self.rpc.call("shoal-browse", path=os.path.join(self.share, "album"))
        self.assertEqual([(e["name"], e["size"]) for e in inside["entries"]], [("one.bin", 300 * 1024),
                                                                                ("two.bin", 100 * 1024 + 3)])
        with self.assertRaises(RpcError) as e:
            self.rpc.call("shoal-browse", path=os.path.join(self.share, "..", ".."))
        self.assertIn("outside the allowed roots", str(e.exception))

        made = self.rpc.call("torrent-create", path=os.path.join(self.share, "album"), trackers=[],
                             piece_size=32 * 1024, comment="made by the test")
        tid = made["torrent-added"]["id"]
        self.assertEqual(made["torrent-added"]["name"], "album")
        with open(self.path("album.torrent"), "wb") as f:
            f.write(base64.b64decode(made["metainfo"]))
        self.rpc.wait_for(tid, lambda t: t["status"] == SEED, 60)
        self.assertEqual(self.rpc.torrents(["comment", "pieceSize"], ids=[tid])[0],
                         {"comment": "made by the test", "pieceSize": 32 * 1024})

        # A leech fetches it from the daemon's peer port: the created torrent really is seeded.
        peer_port = self.rpc.call("session-get")["peer-port"]
        leech = self.procs.start("leech", [bin_path("leech"), self.path("album.torrent"), "-o", self.path("got"),
                                           "--peer", "127.0.0.1:%d" % peer_port])
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech)[-3000:])
        self.assertTrue(same_tree(os.path.join(self.share, "album"), self.path("got", "album")))

    def test_sigterm_stops_with_status_zero(self):
        write_random_file(self.path("data", "s.bin"), 64 * 1024, seed=5)
        make_torrent(self.path("data", "s.bin"), self.path("s.torrent"), 16 * 1024)
        self.rpc.call("torrent-add", metainfo=metainfo_b64(self.path("s.torrent")))
        self.assertEqual(stop_shoald(self.daemon), 0)
        self.assertIn("stopped", log_text(self.daemon))


if __name__ == "__main__":
    unittest.main()
