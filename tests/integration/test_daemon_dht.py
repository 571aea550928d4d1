"""shoald's DHT node (BEP 5) on loopback: it runs with the daemon's first public torrent, bootstraps from a node of
ours, and its id and contacts go to <state-dir>/dht.state at stop; a restart that can reach no bootstrap node
comes back with the same id and asks its saved contact; a corrupt dht.state is reported, set aside, and the node
starts afresh; --no-dht runs none. session-get's dht-enabled says which."""
import os
import time
import unittest

from bdecode import bdecode
from dht_testlib import FakeNode, ping
from ports import free_tcp_udp_port
from shoald_testlib import RpcClient, metainfo_b64, start_shoald, stop_shoald
from swarm_testlib import SwarmTestCase, log_text, make_torrent, wait_for_log, write_random_file

NODE_LINE = r"dht: node ([0-9a-f]{40}) on UDP port %d"


class DaemonDht(SwarmTestCase):
    def shoald(self, dht_port, *extra):
        d, port = start_shoald(self.procs, self.dir, extra=["--dht-port", str(dht_port), *extra])
        rpc = RpcClient(port)
        self.addCleanup(rpc.close)
        return d, rpc

    def queries_from(self, fake, port, since=0):
        return [q for q in fake.queries[since:] if q[1] == port]

    def test_state_survives_a_restart(self):
        write_random_file(self.path("data", "x.bin"), 100 * 1024, seed=7)
        make_torrent(self.path("data", "x.bin"), self.path("x.torrent"), 16 * 1024)  # public, trackerless
        state = os.path.join(self.dir, "shoald-state", "dht.state")
        fake = FakeNode(b"\x5a" * 20)
        self.addCleanup(fake.close)
        dht_port = free_tcp_udp_port()

        d, rpc = self.shoald(dht_port, "--dht-bootstrap", "127.0.0.1:%d" % fake.port)
        self.assertTrue(rpc.call("session-get")["dht-enabled"])
        self.assertIsNone(ping(dht_port, timeout=1.0))  # no torrent yet: no node
        rpc.call("torrent-add", metainfo=metainfo_b64(self.path("x.torrent")), download_dir=self.path("out"))
        node_id = wait_for_log(d, NODE_LINE % dht_port, 30).group(1)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.queries_from(fake, dht_port):
            time.sleep(0.1)
        self.assertTrue(self.queries_from(fake, dht_port), log_text(d))
        self.assertEqual(self.queries_from(fake, dht_port)[0][2].hex(), node_id)
        time.sleep(1)  # its reply is in (the fake answers at once)
        self.assertEqual(stop_shoald(d), 0)
        self.assertRegex(log_text(d), r"state: DHT node %s saved with [1-9]\d* nodes" % node_id)
        with open(state, "rb") as f:
            saved = bdecode(f.read())
        self.assertEqual(saved[b"id"].hex(), node_id)
        nodes = [saved[b"nodes"][i:i + 26] for i in range(0, len(saved[b"nodes"]), 26)]
        self.assertIn(b"\x5a" * 20 + bytes([127, 0, 0, 1]) + fake.port.to_bytes(2, "big"), nodes)

        # Its bootstrap node now answers nothing: the fake is known only from dht.state.
        before = len(fake.queries)
        d2, rpc2 = self.shoald(dht_port, "--dht-bootstrap", "127.0.0.1:%d" % free_tcp_udp_port())
        self.assertEqual(wait_for_log(d2, NODE_LINE % dht_port, 30).group(1), node_id)
        self.assertRegex(log_text(d2), r"restored with 1 nodes")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.queries_from(fake, dht_port, before):
            time.sleep(0.1)
        asked = self.queries_from(fake, dht_port, before)
        self.assertTrue(asked, log_text(d2))
        self.assertEqual(asked[0][2].hex(), node_id)
        self.assertEqual(stop_shoald(d2), 0)

        # A corrupt file: reported, set aside, a new id.
        with open(state, "wb") as f:
            f.write(b"d2:id3:abce")
        d3, rpc3 = self.shoald(dht_port)
        new_id = wait_for_log(d3, NODE_LINE % dht_port, 30).group(1)
        self.assertNotEqual(new_id, node_id)
        self.assertRegex(log_text(d3), r"dht\.state: dht state: .*; renamed to dht\.state\.corrupt: the DHT node starts "
                                       r"afresh")
        self.assertTrue(os.path.exists(state + ".corrupt"))
        self.assertEqual(stop_shoald(d3), 0)
        with open(state, "rb") as f:
            self.assertEqual(bdecode(f.read())[b"id"].hex(), new_id)

    def test_no_dht(self):
        write_random_file(self.path("data", "x.bin"), 10000, seed=7)
        make_torrent(self.path("data", "x.bin"), self.path("x.torrent"), 16 * 1024)
        dht_port = free_tcp_udp_port()
        d, rpc = self.shoald(dht_port, "--no-dht")
        self.assertFalse(rpc.call("session-get")["dht-enabled"])
        rpc.call("torrent-add", metainfo=metainfo_b64(self.path("x.torrent")), download_dir=self.path("out"))
        time.sleep(1)
        self.assertIsNone(ping(dht_port, timeout=1.0))
        self.assertEqual(stop_shoald(d), 0)
        self.assertNotIn("dht: node", log_text(d))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "shoald-state", "dht.state")))


if __name__ == "__main__":
    unittest.main()
