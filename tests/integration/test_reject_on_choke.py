"""BEP 6: when our seed chokes a peer that speaks the fast extension, it rejects each request of that peer it had
queued, instead of dropping them silently; nothing of what it rejected arrives afterwards.

Made deterministic by --seed-ratio: the seed chokes everybody the moment it has uploaded RATIO copies, and its
upload rate limit keeps most of the peer's requests queued at that moment (at 64 KB/s the seed reaches a ratio of
0.02 of 4 MiB after a handful of blocks, while the peer asked for 128)."""
import os
import socket
import struct
import time
import unittest

from peer_wire import message, recv_exact
from swarm_testlib import Procs, TempDir, bin_path, free_port, log_text, make_torrent, wait_port, write_random_file

MiB = 1024 * 1024
PIECE = 64 * 1024
BLOCK = 16 * 1024
CHOKE, UNCHOKE, INTERESTED, PIECE_MSG = 0, 1, 2, 7
REQUEST, HAVE_ALL, HAVE_NONE, REJECT, ALLOWED_FAST = 6, 0x0E, 0x0F, 0x10, 0x11
REQUESTS = 128


def read_message(conn):
    (length,) = struct.unpack(">I", recv_exact(conn, 4))
    if length == 0:
        return None, b""  # keep-alive
    if length > PIECE + 64:
        raise AssertionError("a %d-byte message from the seed" % length)
    body = recv_exact(conn, length)
    return body[0], body[1:]


class RejectOnChoke(unittest.TestCase):
    def test_choke_rejects_every_queued_request_of_a_fast_peer(self):
        with TempDir() as d:
            procs = Procs(d)
            self.addCleanup(procs.kill_all)
            data = os.path.join(d, "data", "sample.bin")
            write_random_file(data, 4 * MiB, seed=61)
            torrent = os.path.join(d, "t.torrent")
            info_hash = bytes.fromhex(make_torrent(data, torrent, PIECE))
            port = free_port()
            seed = procs.start("seed", [bin_path("seed"), torrent, "--data", data, "--host", "127.0.0.1", "--port",
                                        str(port), "--seed-ratio", "0.02", "--max-upload-rate", "65536",
                                        "--no-dht", "--log-level", "debug"])
            wait_port(port, 30)
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            self.addCleanup(conn.close)
            reserved = bytearray(8)
            reserved[7] |= 0x04  # the fast extension
            conn.sendall(b"\x13BitTorrent protocol" + bytes(reserved) + info_hash + b"-XX0001-rejectchoke0")
            theirs = recv_exact(conn, 68)
            self.assertTrue(theirs[27] & 0x04, "the seed does not offer the fast extension")
            conn.sendall(message(HAVE_NONE) + message(INTERESTED))

            allowed, have_all = set(), False
            deadline = time.time() + 30
            while True:
                self.assertLess(time.time(), deadline, "no unchoke from the seed:\n" + log_text(seed)[-3000:])
                kind, payload = read_message(conn)
                if kind == HAVE_ALL:
                    have_all = True
                elif kind == ALLOWED_FAST:
                    allowed.add(struct.unpack(">I", payload)[0])
                elif kind == UNCHOKE:
                    break
            self.assertTrue(have_all)
            # Requests for pieces outside the allowed-fast set: a choke must reject them all.
            pieces = [p for p in range(4 * MiB // PIECE) if p not in allowed]
            asked = [(p, b * BLOCK, BLOCK) for p in pieces for b in range(PIECE // BLOCK)][:REQUESTS]
            conn.sendall(b"".join(message(REQUEST, struct.pack(">III", *r)) for r in asked))

            pieces_got, rejected, choked_at, after_choke = [], [], None, []
            deadline = time.time() + 60
            while len(pieces_got) + len(rejected) < len(asked):
                self.assertLess(time.time(), deadline, "requests left unanswered: %d pieces, %d rejects, choke %s\n%s"
                                % (len(pieces_got), len(rejected), choked_at, log_text(seed)[-3000:]))
                try:
                    kind, payload = read_message(conn)
                except ConnectionError:
                    self.fail("the seed closed with requests unanswered: %d pieces, %d rejects, choke %s"
                              % (len(pieces_got), len(rejected), choked_at))
                if kind == CHOKE:
                    choked_at = len(pieces_got) + len(rejected)
                elif kind == PIECE_MSG:
                    index, begin = struct.unpack(">II", payload[:8])
                    pieces_got.append((index, begin, len(payload) - 8))
                    if choked_at is not None:
                        after_choke.append(("piece", index, begin))
                elif kind == REJECT:
                    rejected.append(struct.unpack(">III", payload))
                    if choked_at is None:
                        after_choke.append(("reject before the choke",) + rejected[-1])

            self.assertIsNotNone(choked_at, "the seed never choked")
            self.assertGreater(len(rejected), 0)
            self.assertEqual(after_choke, [], "pieces after the choke, or rejects before it")
            # Each request answered exactly once, by its block or by its reject.
            self.assertEqual(sorted(pieces_got + rejected), sorted(asked))
            self.assertRegex(log_text(seed), r"seed ratio 0\.02 reached")


if __name__ == "__main__":
    unittest.main()
