"""Interop swarm on loopback through our tracker: our seed (slow), our leech, an aria2c leech and a libtorrent leech.
All three leeches complete with byte-identical data, and pieces move between all of them.

How each direction is observed (payload bytes, per connection):
- our leech: its own "gone" lines (logged when a peer leaves and for every peer at SIGTERM);
- libtorrent: its own per-peer counters (tests/lib/libtorrent_swarm_peer.py samples them and banks the counters of
  closed connections), peers told apart by peer id, which our tracker maps to listen ports;
- aria2c keeps no per-peer counters we can read: what it uploaded is what libtorrent and our leech got from it, what
  it got from leeches is what they sent it;
- the seed's "gone" lines: what it sent to each leech. The seed is slow (--max-upload-rate well under the file size
  per few seconds, per connection or per torrent), so it sends each leech less than a copy: the rest came from leeches.
"""
import json
import os
import shutil
import signal
import time
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file, start_tracker,
                           swarm_peer_ids, traffic_with, wait_exit, wait_for_log, write_random_file)

MiB = 1024 * 1024
SIZE = 5 * MiB + 12345  # an odd tail: the last piece is short
PIECE = 32 * 1024  # 161 pieces
SEED_RATE = 500000  # bytes/s for the torrent: alone, the seed would need 10 s per copy
ARIA2 = shutil.which("aria2c")
LIBTORRENT = "/usr/bin/python3"
LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")
LOG_LEVEL = os.environ.get("SHOAL_SWARM_LOG_LEVEL", "info")  # debug to investigate a failure


@unittest.skipUnless(ARIA2, "aria2c not installed")
class SwarmInterop(SwarmTestCase):
    def test_seed_and_three_different_leeches_trade_pieces(self):
        # Peers expire after 1.5 intervals: 30 s outlasts the run (libtorrent announces only at start and end).
        announce = start_tracker(self.procs, interval=30)
        data = self.path("d", "f.bin")
        write_random_file(data, SIZE, seed=55)
        torrent = self.path("t.torrent")
        info_hash = make_torrent(data, torrent, PIECE, announce)

        seed, seed_port = self.start_seed("seed", torrent, data, "--max-upload-rate", str(SEED_RATE),
                                          "--log-level", LOG_LEVEL)
        leech_port, aria_port, lt_port = free_port(), free_port(), free_port()
        leech = self.procs.start("leech", [bin_path("leech"), torrent, "-o", self.path("ours"), "--host", "127.0.0.1",
                                           "--port", str(leech_port), "--timeout", "60", "--seed",
                                           # Slower than the seed: it cannot take the whole copy from the seed
                                           # alone, so it must trade with libtorrent and aria2c (the assertions).
                                           "--max-download-rate", str(SEED_RATE * 2 // 5),
                                           "--log-level", LOG_LEVEL])
        # aria2c prints nothing when it turns to seeding: this hook (run at that moment) leaves a mark.
        hook = self.path("aria2-done.sh")
        with open(hook, "w") as f:
            f.write("#!/bin/sh\necho \"$@\" > %s\n" % self.path("aria2-done"))
        os.chmod(hook, 0o755)
        aria = self.procs.start("aria2c", [
            ARIA2, "--dir", self.path("aria"), "--listen-port=%d" % aria_port, "--seed-ratio=0.0",
            "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--disable-ipv6=true", "--bt-tracker-interval=2", "--bt-tracker-connect-timeout=10",
            "--bt-tracker-timeout=10", "--file-allocation=none", "--summary-interval=0",
            "--console-log-level=notice", "--on-bt-download-complete=" + hook, torrent])
        lt = self.procs.start("libtorrent", [LIBTORRENT, os.path.join(LIB, "libtorrent_swarm_peer.py"), torrent,
                                             self.path("lt"), str(lt_port), "120"])

        wait_for_log(leech, r"complete: %d bytes verified" % SIZE, 75)
        self.wait_for_file(aria, self.path("aria2-done"), 75)
        wait_for_log(lt, r"libtorrent complete", 75)
        for out in ("ours", "aria", "lt"):
            self.assertTrue(same_file(data, self.path(out, "f.bin")), out + " holds other bytes")

        ids = swarm_peer_ids(announce, info_hash)
        for who, port in (("seed", seed_port), ("leech", leech_port), ("aria2c", aria_port), ("libtorrent", lt_port)):
            self.assertIn(port, ids, "%s not in the tracker's swarm %r" % (who, ids))

        # Our processes log every peer's traffic at SIGTERM; libtorrent prints its counters.
        for p in (seed, leech, lt):
            p.send_signal(signal.SIGTERM)
        for p in (seed, leech, lt):
            self.assertEqual(wait_exit(p, 20), 0, log_text(p)[-3000:])
        aria.send_signal(signal.SIGTERM)
        wait_exit(aria, 20)

        lt_view = self.libtorrent_traffic(lt, {"seed": ids[seed_port], "leech": ids[leech_port],
                                               "aria2c": ids[aria_port]})
        ours = {"aria2c": traffic_with(leech, "A2-"), "libtorrent": traffic_with(leech, "-LT"),
                "seed": traffic_with(leech, "-SH")}
        seed_sent = {"leech": traffic_with(seed, "-SH")[1], "aria2c": traffic_with(seed, "A2-")[1],
                     "libtorrent": traffic_with(seed, "-LT")[1]}
        report = "seed sent %r; our leech (got, sent) %r; libtorrent (got, sent) %r" % (seed_sent, ours, lt_view)

        # Every leech sent payload to another leech...
        self.assertGreater(ours["aria2c"][1] + ours["libtorrent"][1], 0, "our leech uploaded nothing; " + report)
        self.assertGreater(lt_view["leech"][1] + lt_view["aria2c"][1], 0, "libtorrent uploaded nothing; " + report)
        self.assertGreater(ours["aria2c"][0] + lt_view["aria2c"][0], 0, "aria2c uploaded nothing; " + report)
        # ... and got payload from another leech (aria2c's share seen from the other ends).
        self.assertGreater(ours["aria2c"][0] + ours["libtorrent"][0], 0, "our leech got nothing from leeches; " + report)
        self.assertGreater(lt_view["leech"][0] + lt_view["aria2c"][0], 0, "libtorrent got nothing from leeches; " + report)
        self.assertGreater(ours["aria2c"][1] + lt_view["aria2c"][1], 0, "aria2c got nothing from leeches; " + report)
        # A seed asks for nothing: a check that the peers were told apart right.
        self.assertEqual(ours["seed"][1], 0, report)
        self.assertEqual(lt_view["seed"][1], 0, report)
        self.assertGreater(ours["seed"][0] + lt_view["seed"][0], 0, report)
        # The seed sent each leech less than a copy: the rest of it came from the other leeches.
        for who, sent in seed_sent.items():
            self.assertLess(sent, SIZE, "the seed sent %s a whole copy; %s" % (who, report))

    def wait_for_file(self, p, path, timeout):
        deadline = time.monotonic() + timeout
        while not os.path.exists(path):
            self.assertIsNone(p.poll(), "%s exited: %s" % (p.name, log_text(p)[-3000:]))
            self.assertLess(time.monotonic(), deadline, "%s did not complete in %s s: %s" % (p.name, timeout,
                                                                                          log_text(p)[-3000:]))
            time.sleep(0.1)

    def libtorrent_traffic(self, lt, ids):
        """{who: (got, sent)}: payload libtorrent got from and sent to each peer named in `ids` (who: peer id)."""
        line = wait_for_log(lt, r"traffic (\{.*\})", 5).group(1)
        rows = json.loads(line)["peers"]

        def total(pid):
            mine = [r for r in rows if r["pid"] == pid.hex()]
            return sum(r["downloaded"] for r in mine), sum(r["uploaded"] for r in mine)
        return {who: total(pid) for who, pid in ids.items()}


if __name__ == "__main__":
    unittest.main()
