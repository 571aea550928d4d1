#!/usr/bin/env python3
"""A scripted BitTorrent peer that lies: it claims every piece and answers each request with wrong bytes.

Used next to an honest seed to check that a leech still completes correctly and bans the liar.
Stdlib only (no libtorrent). Speaks just enough BEP 3: handshake, bitfield, unchoke, request -> piece.
The garbage is deterministic (derived from piece index and offset), so tests can reproduce it.

CLI:    python3 tests/lib/lying_peer.py --torrent F.torrent --port P [--host 127.0.0.2]
        prints "listening HOST:PORT" on stdout once it accepts connections; runs until SIGTERM/SIGINT.
Import: peer = LyingPeer.from_torrent_file(path, host, 0); peer.start(); ... peer.port ...; peer.stop()
"""
import argparse
import hashlib
import os
import signal
import socket
import struct
import sys
import threading

from bdecode import BencodeError, bdecode_torrent  # noqa: F401 (BencodeError re-exported)
from peer_wire import message, recv_exact, recv_message
from scripted_peer import ScriptedPeer

PROTOCOL = b"BitTorrent protocol"
HANDSHAKE_LEN = 1 + len(PROTOCOL) + 8 + 20 + 20
MAX_REQUEST = 128 * 1024      # larger requests are refused (never trust a peer's length)
MAX_MESSAGE = 1 << 20         # anything bigger from the leech is a protocol error: drop it
CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED, HAVE, BITFIELD, REQUEST, PIECE, CANCEL = range(9)


class TorrentGeometry:
    """What the liar needs to know about a torrent: info-hash and piece sizes."""

    def __init__(self, info_hash, piece_length, total_length):
        if len(info_hash) != 20 or piece_length <= 0 or total_length <= 0:
            raise ValueError("bad torrent geometry")
        self.info_hash = info_hash
        self.piece_length = piece_length
        self.total_length = total_length
        self.num_pieces = (total_length + piece_length - 1) // piece_length

    @classmethod
    def from_torrent_bytes(cls, data):
        top, info_raw = bdecode_torrent(data)
        info = top[b"info"]
        if b"length" in info:
            total = info[b"length"]
        else:
            total = sum(f[b"length"] for f in info[b"files"])
        return cls(hashlib.sha1(info_raw).digest(), info[b"piece length"], total)

    def piece_size(self, index):
        if index == self.num_pieces - 1:
            return self.total_length - index * self.piece_length
        return self.piece_length

    def bitfield(self):
        out = bytearray((self.num_pieces + 7) // 8)
        for i in range(self.num_pieces):
            out[i // 8] |= 0x80 >> (i % 8)
        return bytes(out)


def garbage(index, begin, length):
    """Deterministic wrong bytes for a block: SHA-1 chain seeded by (index, begin)."""
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha1(b"shoal-lying-peer" + struct.pack(">III", index, begin, counter)).digest()
        counter += 1
    return bytes(out[:length])


class LyingPeer(ScriptedPeer):
    def __init__(self, geometry, host="127.0.0.1", port=0, peer_id=None):
        super().__init__(host, port)
        self.geometry = geometry
        self.peer_id = peer_id or (b"-LY0001-" + os.urandom(12))
        self.blocks_served = 0      # requests answered with garbage
        self.connections = 0        # handshakes completed

    @classmethod
    def from_torrent_file(cls, path, host="127.0.0.1", port=0):
        with open(path, "rb") as f:
            return cls(TorrentGeometry.from_torrent_bytes(f.read()), host, port)

    def _serve(self, conn):
        try:
            self._handshake(conn)
            conn.sendall(message(BITFIELD, self.geometry.bitfield()) + message(UNCHOKE))
            while not self._stop.is_set():
                body = recv_message(conn, MAX_MESSAGE)
                if not body:
                    continue  # keep-alive
                if body[0] == REQUEST and len(body) == 13:
                    if not self._answer(conn, *struct.unpack(">III", body[1:])):
                        return
                # Everything else (interested, have, cancel, extensions...) needs no answer from a liar.
        except struct.error:
            pass

    def _handshake(self, conn):
        theirs = recv_exact(conn, HANDSHAKE_LEN)
        if theirs[0] != len(PROTOCOL) or theirs[1:20] != PROTOCOL:
            raise ConnectionError("not a BitTorrent handshake")
        if theirs[28:48] != self.geometry.info_hash:
            raise ConnectionError("unknown info-hash")
        conn.sendall(bytes([len(PROTOCOL)]) + PROTOCOL + bytes(8) + self.geometry.info_hash + self.peer_id)
        with self._lock:
            self.connections += 1

    def _answer(self, conn, index, begin, length):
        g = self.geometry
        if index >= g.num_pieces or length == 0 or length > MAX_REQUEST or begin + length > g.piece_size(index):
            return False  # a request no honest leech would send: hang up
        conn.sendall(message(PIECE, struct.pack(">II", index, begin) + garbage(index, begin, length)))
        with self._lock:
            self.blocks_served += 1
        return True


def main(argv=None):
    ap = argparse.ArgumentParser(description="BitTorrent peer that answers every request with wrong bytes")
    ap.add_argument("--torrent", required=True, help=".torrent file of the swarm to poison")
    ap.add_argument("--port", type=int, default=0, help="TCP port to listen on (0: any free port)")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (e.g. 127.0.0.2 to differ by IP)")
    args = ap.parse_args(argv)
    try:
        peer = LyingPeer.from_torrent_file(args.torrent, args.host, args.port)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("lying_peer: %s: %s" % (args.torrent, e), file=sys.stderr)
        return 2
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    peer.start()
    print("listening %s:%d" % (args.host, peer.port), flush=True)
    done.wait()
    peer.stop()
    print("served %d wrong blocks to %d connections" % (peer.blocks_served, peer.connections), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
