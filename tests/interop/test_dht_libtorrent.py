"""A DHT mixing our nodes and libtorrent's on loopback (libtorrent's DHT restrictions relaxed): libtorrent,
bootstrapped from our seed's node, fetches a trackerless magnet our seed serves, and our leech, bootstrapped from
the same node, fetches a trackerless magnet libtorrent seeds. Each side finds the other's torrent through the DHT
alone (no tracker, no x.pe, no --peer). The port message (BEP 5) both ways: libtorrent, whose DHT knows no node,
connected to our seed, logs our port message and puts our node in its routing table; our seed takes libtorrent's
port message and its node answers our ping (find_node on our node returns it)."""
import os
import re
import time
import unittest

import libtorrent as lt

from swarm_testlib import (SwarmTestCase, bin_path, log_text, make_torrent, same_tree, wait_exit, wait_for_log,
                           write_random_file)
from dht_testlib import find_node
from ports import free_tcp_udp_port, wait_port


class DhtLibtorrent(SwarmTestCase):
    def test_each_side_finds_the_others_torrent(self):
        ours = self.path("ours", "ours.bin")
        write_random_file(ours, 1024 * 1024 + 5, seed=21)
        ours_ih = make_torrent(ours, self.path("ours.torrent"), 64 * 1024)
        theirs = self.path("theirs", "theirs.bin")
        write_random_file(theirs, 1024 * 1024 + 9, seed=22)
        theirs_ih = make_torrent(theirs, self.path("theirs.torrent"), 64 * 1024)

        seed_port = free_tcp_udp_port()
        self.procs.start("seed", [bin_path("seed"), self.path("ours.torrent"), "--data", ours, "--host", "127.0.0.1",
                                  "--port", str(seed_port), "--log-level", "debug"])
        wait_port(seed_port, 30)

        lt_port = free_tcp_udp_port()
        ses = lt.session({"listen_interfaces": "127.0.0.1:%d" % lt_port, "enable_dht": True, "enable_lsd": False,
                          "enable_upnp": False, "enable_natpmp": False, "allow_multiple_connections_per_ip": True,
                          "dht_bootstrap_nodes": "127.0.0.1:%d" % seed_port, "dht_restrict_routing_ips": False,
                          "dht_restrict_search_ips": False, "dht_enforce_node_id": False,
                          "dht_ignore_dark_internet": False, "dht_announce_interval": 5})
        try:
            ses.add_torrent({"ti": lt.torrent_info(self.path("theirs.torrent")),
                             "save_path": os.path.dirname(theirs)})
            params = lt.parse_magnet_uri("magnet:?xt=urn:btih:" + ours_ih)
            params.save_path = self.path("lt-out")
            handle = ses.add_torrent(params)

            leech = self.procs.start("leech", [bin_path("leech"), "magnet:?xt=urn:btih:" + theirs_ih, "-o",
                                               self.path("out"), "--host", "127.0.0.1", "--port",
                                               str(free_tcp_udp_port()), "--timeout", "120", "--dht-bootstrap",
                                               "127.0.0.1:%d" % seed_port, "--log-level", "debug"])
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline and not handle.status().is_seeding:
                time.sleep(0.2)
            self.assertTrue(handle.status().is_seeding, "libtorrent did not get our torrent through the DHT")
            self.assertTrue(same_tree(ours, self.path("lt-out", "ours.bin")))
            self.assertEqual(wait_exit(leech, 150), 0, log_text(leech))
            self.assertTrue(same_tree(theirs, self.path("out", "theirs.bin")))
            self.assertRegex(log_text(leech), r"peers from the DHT")
        finally:
            del ses

    def test_port_message_both_ways(self):
        content = self.path("data", "p.bin")
        write_random_file(content, 256 * 1024, seed=23)
        ih = make_torrent(content, self.path("p.torrent"), 16 * 1024)
        seed_port = free_tcp_udp_port()
        # Bootstrapped from nowhere: a node in its table came through the port message.
        seed = self.procs.start("seed", [bin_path("seed"), self.path("p.torrent"), "--data", content, "--host",
                                         "127.0.0.1", "--port", str(seed_port), "--dht-bootstrap",
                                         "127.0.0.1:%d" % free_tcp_udp_port(), "--log-level", "debug"])
        wait_port(seed_port, 30)
        lt_port = free_tcp_udp_port()
        ses = lt.session({"listen_interfaces": "127.0.0.1:%d" % lt_port, "enable_dht": True, "enable_lsd": False,
                          "enable_upnp": False, "enable_natpmp": False, "dht_bootstrap_nodes": "",
                          "enable_outgoing_utp": False, "enable_incoming_utp": False,  # our seed speaks TCP only
                          "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
                          "dht_enforce_node_id": False, "dht_ignore_dark_internet": False,
                          "alert_mask": lt.alert.category_t.peer_log_notification})
        try:
            params = lt.parse_magnet_uri("magnet:?xt=urn:btih:" + ih)
            params.save_path = self.path("lt-out")
            handle = ses.add_torrent(params)
            handle.connect_peer(("127.0.0.1", seed_port))
            got_port, lt_nodes = None, 0
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (got_port is None or lt_nodes == 0):
                for a in ses.pop_alerts():
                    if isinstance(a, lt.peer_log_alert):
                        m = re.search(r"<== DHT_PORT \[ p: (\d+)", a.message())
                        if m:
                            got_port = int(m.group(1))
                lt_nodes = ses.status().dht_nodes  # noqa (deprecated, still the simplest count)
                time.sleep(0.1)
            self.assertEqual(got_port, seed_port, "libtorrent logged no port message from our seed")
            self.assertGreater(lt_nodes, 0, "libtorrent's routing table stayed empty")
            wait_for_log(seed, r"runs a DHT node on UDP port %d" % lt_port, 30)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and lt_port not in [int(a.split(":")[1]) for _, a in
                                                                  find_node(seed_port, b"\x00" * 20) or []]:
                time.sleep(0.2)
            self.assertIn(lt_port, [int(a.split(":")[1]) for _, a in find_node(seed_port, b"\x00" * 20) or []],
                          log_text(seed))
        finally:
            del ses


if __name__ == "__main__":
    unittest.main()
