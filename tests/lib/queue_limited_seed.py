"""A scripted seed that says, in its BEP 10 extended handshake, how many requests it keeps ("reqq"), and counts how
many a leech has outstanding with it at once. Stdlib only; single-file torrents.

It holds requests until the leech has sent none for `settle` seconds (the leech's pipeline is as full as it will
go), notes how many are outstanding, then answers them all with the file's bytes. So `most_outstanding` is the
deepest pipeline the leech ever kept with it.

    with QueueLimitedSeed.from_files(torrent, data, reqq=8) as seed: ... seed.port ... seed.most_outstanding
"""
import hashlib
import os
import select
import struct

from bdecode import bdecode_torrent
from peer_wire import message, recv_exact, recv_message
from scripted_peer import ScriptedPeer
from swarm_testlib import bencode

PROTOCOL = b"\x13BitTorrent protocol"
UNCHOKE, BITFIELD, REQUEST, PIECE, CANCEL, EXTENDED = 1, 5, 6, 7, 8, 20
MAX_MESSAGE = 1 << 20
MAX_REQUEST = 128 * 1024


class QueueLimitedSeed(ScriptedPeer):
    def __init__(self, torrent_bytes, data_path, reqq, settle=0.2, host="127.0.0.1"):
        super().__init__(host=host)
        top, info_raw = bdecode_torrent(torrent_bytes)
        info = top[b"info"]
        self.info_hash = hashlib.sha1(info_raw).digest()
        self.total = info[b"length"]
        self.piece_length = info[b"piece length"]
        self.pieces = (self.total + self.piece_length - 1) // self.piece_length
        self.data_path = data_path
        self.reqq = reqq
        self.settle = settle
        self.peer_id = b"-QL0001-" + os.urandom(6).hex().encode()
        self.most_outstanding = 0
        self.blocks_served = 0

    @classmethod
    def from_files(cls, torrent_path, data_path, reqq, **kw):
        with open(torrent_path, "rb") as f:
            return cls(f.read(), data_path, reqq, **kw)

    def _serve(self, conn):
        hs = recv_exact(conn, 68)
        if hs[:20] != PROTOCOL or hs[28:48] != self.info_hash:
            return
        reserved = bytearray(8)
        reserved[5] |= 0x10  # BEP 10
        conn.sendall(PROTOCOL + bytes(reserved) + self.info_hash + self.peer_id)
        ext_hs = bencode({"m": {}, "reqq": self.reqq, "v": "queue-limited test seed"})
        bits = bytearray((self.pieces + 7) // 8)
        for i in range(self.pieces):
            bits[i // 8] |= 0x80 >> (i % 8)
        conn.sendall(message(EXTENDED, b"\x00" + ext_hs) + message(BITFIELD, bytes(bits)) + message(UNCHOKE))
        pending = []
        with open(self.data_path, "rb") as data:
            while not self._stop.is_set():
                ready, _, _ = select.select([conn], [], [], self.settle)
                if not ready:  # the leech asks no more: its pipeline is full
                    self.most_outstanding = max(self.most_outstanding, len(pending))
                    for index, begin, length in pending:
                        data.seek(index * self.piece_length + begin)
                        conn.sendall(message(PIECE, struct.pack(">II", index, begin) + data.read(length)))
                        self.blocks_served += 1
                    pending.clear()
                    continue
                body = recv_message(conn, MAX_MESSAGE)
                if not body:
                    continue  # keep-alive
                if body[0] == REQUEST and len(body) == 13:
                    index, begin, size = struct.unpack(">III", body[1:])
                    if index >= self.pieces or size == 0 or size > MAX_REQUEST:
                        return  # no honest leech asks this
                    pending.append((index, begin, size))
                    self.most_outstanding = max(self.most_outstanding, len(pending))
                elif body[0] == CANCEL and len(body) == 13:
                    request = struct.unpack(">III", body[1:])
                    if request in pending:
                        pending.remove(request)
