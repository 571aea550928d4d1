"""Peers that break the rules lose only their own connection: while an honest leech downloads from our seed,
scripted clients send an oversized frame, a handshake for another info-hash, and a flood of 5000 requests
without reading the replies. The seed closes each of them, keeps serving, and the leech completes
byte-identical; the seed says why at debug level."""
import hashlib
import socket
import struct
import time
import unittest

from lying_peer import HANDSHAKE_LEN, INTERESTED, PROTOCOL, REQUEST, UNCHOKE, TorrentGeometry
from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file, wait_exit,
                           wait_for_log, write_random_file)

MiB = 1024 * 1024
PEER_ID = b"-XX0001-abusive00000"


def handshake(info_hash):
    return bytes([len(PROTOCOL)]) + PROTOCOL + bytes(8) + info_hash + PEER_ID


def connect(port, info_hash):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(handshake(info_hash))
    return s


def closed_by_peer(s, timeout=15):
    """Reads and discards until the other side closes (True) or the time is up (False)."""
    s.settimeout(0.5)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if not s.recv(1 << 16):
                return True
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def wait_for_unchoke(s, timeout=15):
    """Reads messages until an unchoke arrives; True if it did."""
    s.settimeout(timeout)
    buf = b""
    got_handshake = False
    deadline = time.time() + timeout
    while time.time() < deadline:
        chunk = s.recv(1 << 16)
        if not chunk:
            return False
        buf += chunk
        if not got_handshake:
            if len(buf) < HANDSHAKE_LEN:
                continue
            buf, got_handshake = buf[HANDSHAKE_LEN:], True
        while len(buf) >= 4:
            (n,) = struct.unpack(">I", buf[:4])
            if len(buf) < 4 + n:
                break
            if n > 0 and buf[4] == UNCHOKE:
                return True
            buf = buf[4 + n:]
    return False


class AbusivePeers(SwarmTestCase):
    def test_each_abuser_is_dropped_and_the_honest_leech_completes(self):
        size = 6 * MiB
        write_random_file(self.path("d", "f.bin"), size, seed=73)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        with open(self.path("t.torrent"), "rb") as f:
            info_hash = TorrentGeometry.from_torrent_bytes(f.read()).info_hash
        seed, port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"),
                                     "--max-upload-rate", "2000000", "--log-level", "debug")
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"),
                                           "--port", str(free_port()), "--timeout", "60",
                                           "--peer", "127.0.0.1:%d" % port])
        wait_for_log(seed, r"\(-SH0100-\) connected", 15)  # the abuse happens while it downloads

        oversized = connect(port, info_hash)
        oversized.sendall(struct.pack(">IB", 0x7FFFFFFF, 7))  # a "piece" of 2 GiB
        self.assertTrue(closed_by_peer(oversized), "oversized frame: connection still open")

        other = connect(port, hashlib.sha1(b"another torrent").digest())
        self.assertTrue(closed_by_peer(other), "wrong info-hash: connection still open")

        flood = connect(port, info_hash)
        flood.sendall(struct.pack(">IB", 1, INTERESTED))
        self.assertTrue(wait_for_unchoke(flood), "the seed never unchoked the flooder")
        request = struct.pack(">IBIII", 13, REQUEST, 0, 0, 16384)
        try:
            flood.sendall(request * 5000)  # never reads a reply: the queue only grows
        except (ConnectionResetError, BrokenPipeError):
            pass
        self.assertTrue(closed_by_peer(flood), "request flood: connection still open")
        for s in (oversized, other, flood):
            s.close()

        self.assertEqual(wait_exit(leech, 60), 0, log_text(leech))
        self.assertTrue(same_file(self.path("d", "f.bin"), self.path("out", "f.bin")))
        self.assertIsNone(seed.poll(), "the seed died:\n" + log_text(seed))
        text = log_text(seed)
        self.assertIn("frame length 2147483647 exceeds the limit", text)
        self.assertRegex(text, r"unknown info-hash")
        self.assertIn("more than 4096 requests queued", text)


if __name__ == "__main__":
    unittest.main()
