"""Self-check of tests/lib/lying_peer.py: it handshakes, claims everything, unchokes, and serves wrong bytes."""
import hashlib
import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import lying_peer  # noqa: E402
from peer_wire import recv_exact  # noqa: E402
from swarm_testlib import bencode  # noqa: E402

PIECE_LENGTH = 32768
TIMEOUT = 10


def make_torrent(data):
    pieces = b"".join(hashlib.sha1(data[i:i + PIECE_LENGTH]).digest() for i in range(0, len(data), PIECE_LENGTH))
    info = {"length": len(data), "name": "payload.bin", "piece length": PIECE_LENGTH, "pieces": pieces}
    return bencode({"announce": "http://127.0.0.1:1/announce", "info": info}), hashlib.sha1(bencode(info)).digest()


def recv_message(sock):
    while True:
        (length,) = struct.unpack(">I", recv_exact(sock, 4))
        if length:
            body = recv_exact(sock, length)
            return body[0], body[1:]


def handshake(port, info_hash, host="127.0.0.1"):
    sock = socket.create_connection((host, port), timeout=TIMEOUT)
    sock.sendall(b"\x13BitTorrent protocol" + bytes(8) + info_hash + b"-SC0001-" + bytes(12))
    return sock, recv_exact(sock, 68)


def closed_by_peer(sock):
    """True if the other side closes the connection within TIMEOUT."""
    ready, _, _ = select.select([sock], [], [], TIMEOUT)
    if not ready:
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


class LyingPeerSelfCheck(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = os.urandom(3 * PIECE_LENGTH + 5000)  # short last piece
        torrent, cls.info_hash = make_torrent(cls.data)
        cls.torrent_path = os.path.join(cls.tmp.name, "payload.torrent")
        with open(cls.torrent_path, "wb") as f:
            f.write(torrent)
        cls.proc = subprocess.Popen([sys.executable, lying_peer.__file__, "--torrent", cls.torrent_path,
                                     "--port", "0"], stdout=subprocess.PIPE, text=True)
        try:
            ready, _, _ = select.select([cls.proc.stdout], [], [], TIMEOUT)
            line = cls.proc.stdout.readline() if ready else ""
            if not line.startswith("listening "):
                raise RuntimeError("lying_peer did not start: %r" % line)
            cls.port = int(line.rsplit(":", 1)[1])
        except BaseException:
            cls.proc.kill()
            cls.proc.wait(TIMEOUT)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        try:
            out, _ = cls.proc.communicate(timeout=TIMEOUT)
            assert "served" in out, out
        finally:
            if cls.proc.poll() is None:
                cls.proc.kill()
                cls.proc.wait(TIMEOUT)
            cls.tmp.cleanup()

    def test_handshake_bitfield_unchoke_and_wrong_bytes(self):
        sock, theirs = handshake(self.port, self.info_hash)
        with sock:
            self.assertEqual(theirs[:20], b"\x13BitTorrent protocol")
            self.assertEqual(theirs[28:48], self.info_hash)
            msg, payload = recv_message(sock)
            self.assertEqual(msg, lying_peer.BITFIELD)
            self.assertEqual(payload, bytes([0xF0]))  # 4 pieces, spare bits clear
            self.assertEqual(recv_message(sock)[0], lying_peer.UNCHOKE)
            sock.sendall(struct.pack(">IB", 1, lying_peer.INTERESTED))
            for index, begin, length in [(0, 0, 16384), (1, 16384, 16384), (3, 0, 5000)]:
                sock.sendall(struct.pack(">IBIII", 13, lying_peer.REQUEST, index, begin, length))
                msg, payload = recv_message(sock)
                self.assertEqual(msg, lying_peer.PIECE)
                self.assertEqual(struct.unpack(">II", payload[:8]), (index, begin))
                block = payload[8:]
                self.assertEqual(len(block), length)
                real = self.data[index * PIECE_LENGTH + begin:index * PIECE_LENGTH + begin + length]
                self.assertNotEqual(block, real)
                self.assertEqual(block, lying_peer.garbage(index, begin, length))  # deterministic

    def test_wrong_info_hash_is_dropped(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        with sock:
            sock.sendall(b"\x13BitTorrent protocol" + bytes(8) + b"\x01" * 20 + b"-SC0001-" + bytes(12))
            self.assertTrue(closed_by_peer(sock))

    def test_out_of_range_request_hangs_up(self):
        sock, _ = handshake(self.port, self.info_hash)
        with sock:
            recv_message(sock)
            recv_message(sock)
            sock.sendall(struct.pack(">IBIII", 13, lying_peer.REQUEST, 3, 0, 16384))  # past the short last piece
            self.assertTrue(closed_by_peer(sock))

    def test_importable_in_process(self):
        with open(self.torrent_path, "rb") as f:
            geometry = lying_peer.TorrentGeometry.from_torrent_bytes(f.read())
        self.assertEqual(geometry.info_hash, self.info_hash)
        self.assertEqual(geometry.num_pieces, 4)
        with lying_peer.LyingPeer(geometry) as peer:
            sock, _ = handshake(peer.port, self.info_hash)
            with sock:
                recv_message(sock)
                recv_message(sock)
                sock.sendall(struct.pack(">IBIII", 13, lying_peer.REQUEST, 2, 0, 1000))
                self.assertEqual(recv_message(sock)[1][8:], lying_peer.garbage(2, 0, 1000))
                deadline = time.monotonic() + TIMEOUT
                while peer.blocks_served < 1 and time.monotonic() < deadline:
                    time.sleep(0.01)
                self.assertEqual(peer.blocks_served, 1)
                self.assertEqual(peer.connections, 1)

    def test_bad_torrent_is_reported(self):
        bad = os.path.join(self.tmp.name, "bad.torrent")
        with open(bad, "wb") as f:
            f.write(b"d4:infoi3e")
        r = subprocess.run([sys.executable, lying_peer.__file__, "--torrent", bad], capture_output=True,
                           text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad.torrent", r.stderr)


if __name__ == "__main__":
    unittest.main()
