"""torrent-create hashes away from shoald's io thread: while a large torrent is being created, other RPC requests
are answered (torrent-get, session-get); the create's own reply then carries a valid .torrent that seeds."""
import base64
import hashlib
import os
import threading
import time
import unittest

from bdecode import bdecode_torrent
from shoald_testlib import RpcClient, start_shoald, stop_shoald
from swarm_testlib import SwarmTestCase, log_text, wait_for_log

GIB = 1024 * 1024 * 1024
SIZE = 2 * GIB


class DaemonCreateAsync(SwarmTestCase):
    def test_rpc_answers_while_a_large_create_hashes(self):
        share = self.path("share")
        os.makedirs(share)
        big = os.path.join(share, "big.img")
        with open(big, "wb") as f:  # sparse: the disk holds nothing, the hashing still reads 2 GiB
            f.truncate(SIZE)
        daemon, port = start_shoald(self.procs, self.dir, extra=("--allowed-root", share))
        creator = RpcClient(port, timeout=600)
        other = RpcClient(port)
        self.addCleanup(creator.close)
        self.addCleanup(other.close)
        other.call("session-get")  # the session-id handshake done before the race starts

        outcome = {}

        def create():
            try:
                outcome["reply"] = creator.request("torrent-create", {"path": big, "piece-size": 1024 * 1024})
            except Exception as e:  # reported by the main thread
                outcome["error"] = e
            outcome["done_at"] = time.monotonic()

        worker = threading.Thread(target=create)
        worker.start()
        wait_for_log(daemon, r"torrent-create: hashing", 60)
        answered_while_creating = 0
        try:
            while worker.is_alive():
                self.assertEqual(other.request("torrent-get", {"fields": ["id", "name"]})["result"], "success")
                self.assertIn("rpc-version", other.call("session-get"))
                if worker.is_alive():
                    answered_while_creating += 1
                time.sleep(0.05)
        finally:
            worker.join(600)
        self.assertNotIn("error", outcome, outcome)
        reply = outcome["reply"]
        self.assertEqual(reply["result"], "success", reply)
        # Hashing 2 GiB takes seconds: requests sent meanwhile were answered before it ended (a create on the io
        # thread would hold every one of them until its own reply, so at most one would count).
        self.assertGreaterEqual(answered_while_creating, 2)
        torrent = base64.b64decode(reply["arguments"]["metainfo"])
        info = bdecode_torrent(torrent)[1]
        added = reply["arguments"]["torrent-added"]
        self.assertEqual(added["hashString"], hashlib.sha1(info).hexdigest())
        self.assertEqual(added["name"], "big.img")
        listed = other.torrents(["id", "hashString", "totalSize"])
        self.assertEqual([(t["hashString"], t["totalSize"]) for t in listed], [(added["hashString"], SIZE)])
        self.assertEqual(stop_shoald(daemon), 0, log_text(daemon)[-3000:])


if __name__ == "__main__":
    unittest.main()
