#!/usr/bin/env python3
"""A scripted leech that never dials out: it listens, announces its port to a tracker, and downloads a
single-file torrent from whoever connects to it, checking every piece's SHA-1.

Used to check that seeds dial the leechers their trackers list (a leech behind NAT is reached only that way).
Stdlib only. Speaks just enough BEP 3: handshake (answering), interested, request -> piece, keep-alive.

Import: with ListeningLeech.from_torrent_file(path, out_file) as leech: leech.announce(url) ... leech.done.wait(t)
"""
import hashlib
import os
import struct
import threading
import urllib.parse
import urllib.request

from bdecode import bdecode, bdecode_torrent
from lying_peer import HANDSHAKE_LEN, PROTOCOL
from peer_wire import message, recv_exact, recv_message
from scripted_peer import ScriptedPeer

CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED, HAVE, BITFIELD, REQUEST, PIECE, CANCEL = range(9)
BLOCK = 16 * 1024
PIPELINE = 16
MAX_MESSAGE = 1 << 20  # a larger frame from the seed is a protocol error (never trust a peer's length)


class ListeningLeech(ScriptedPeer):
    def __init__(self, torrent_bytes, out_path, host="127.0.0.1"):
        super().__init__(host, 0, conn_timeout=30)
        top, info_raw = bdecode_torrent(torrent_bytes)
        info = top[b"info"]
        if b"length" not in info:
            raise ValueError("listening leech handles single-file torrents only")
        self.info_hash = hashlib.sha1(info_raw).digest()
        self.piece_length = info[b"piece length"]
        self.total = info[b"length"]
        pieces = info[b"pieces"]
        self.hashes = [pieces[i:i + 20] for i in range(0, len(pieces), 20)]
        self.out_path = out_path
        self.peer_id = b"-LL0001-" + os.urandom(12)
        self.done = threading.Event()
        self.connections = 0  # handshakes answered
        self.peer_ids = []    # of each, in order
        self._have = [False] * len(self.hashes)
        with open(out_path, "wb") as f:
            f.truncate(self.total)

    @classmethod
    def from_torrent_file(cls, path, out_path):
        with open(path, "rb") as f:
            return cls(f.read(), out_path)

    def piece_size(self, index):
        return min(self.piece_length, self.total - index * self.piece_length)

    def announce(self, url, event="started"):
        """Tells the tracker where we listen; returns the decoded reply."""
        query = urllib.parse.urlencode({
            "info_hash": self.info_hash, "peer_id": self.peer_id, "port": self.port, "uploaded": 0,
            "downloaded": 0, "left": self.total, "compact": 1, "event": event})
        with urllib.request.urlopen(url + "?" + query, timeout=10) as r:
            return bdecode(r.read())

    def _serve(self, conn):
        theirs = recv_exact(conn, HANDSHAKE_LEN)
        if theirs[1:20] != PROTOCOL or theirs[28:48] != self.info_hash:
            return
        conn.sendall(bytes([len(PROTOCOL)]) + PROTOCOL + bytes(8) + self.info_hash + self.peer_id)
        with self._lock:
            self.connections += 1
            self.peer_ids.append(theirs[48:68])
        conn.sendall(message(INTERESTED))
        try:
            self._transfer(conn)
        except struct.error:
            pass

    def _blocks(self):
        for index in range(len(self.hashes)):
            with self._lock:
                if self._have[index]:
                    continue
            size = self.piece_size(index)
            for begin in range(0, size, BLOCK):
                yield index, begin, min(BLOCK, size - begin)

    def _transfer(self, conn):
        wanted = self._blocks()
        inflight = set()
        choked = True
        buffers = {}
        while not self._stop.is_set() and not self.done.is_set():
            while not choked and len(inflight) < PIPELINE:
                block = next(wanted, None)
                if block is None:
                    break
                inflight.add(block)
                conn.sendall(message(REQUEST, struct.pack(">III", *block)))
            body = recv_message(conn, MAX_MESSAGE)
            if not body:
                continue  # keep-alive
            if body[0] == UNCHOKE:
                choked = False
            elif body[0] == CHOKE:
                choked = True
                wanted = self._blocks()  # requests are dropped on choke: ask again later
                inflight.clear()
            elif body[0] == PIECE and len(body) >= 9:
                index, begin = struct.unpack(">II", body[1:9])
                data = body[9:]
                inflight.discard((index, begin, len(data)))
                buffers.setdefault(index, {})[begin] = data
                self._maybe_finish_piece(index, buffers)

    def _maybe_finish_piece(self, index, buffers):
        parts = buffers[index]
        if sum(len(b) for b in parts.values()) < self.piece_size(index):
            return
        data = b"".join(parts[k] for k in sorted(parts))
        del buffers[index]
        if hashlib.sha1(data).digest() != self.hashes[index]:
            return  # a wrong piece is simply not kept
        with open(self.out_path, "r+b") as f:
            f.seek(index * self.piece_length)
            f.write(data)
        with self._lock:
            self._have[index] = True
            if all(self._have):
                self.done.set()
