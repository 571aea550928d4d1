"""A scripted BEP 10 / BEP 9 peer that misbehaves about the metadata of a magnet link: it speaks the BitTorrent
handshake with the extension bit, sends an extended handshake with a metadata_size of its choosing and answers
ut_metadata requests with bytes of its choosing. Stdlib only.

    peer = MetadataPeer(info_hash, metadata_size=100 << 20)        # claims 100 MiB, never sends any
    peer = MetadataPeer(info_hash, metadata=b"d4:name3:bade")      # sends metadata that does not hash right
    peer.start(); ... peer.port ... peer.requests (pieces asked of it); peer.stop()
"""
import os
import struct

from bdecode import BencodeError, bdecode
from peer_wire import message, recv_exact, recv_message
from scripted_peer import ScriptedPeer
from swarm_testlib import bencode

PROTOCOL = b"\x13BitTorrent protocol"
EXTENDED = 20
OUR_UT_METADATA = 3  # the id the leech must send ut_metadata to us under
PIECE = 16 * 1024
MAX_MESSAGE = 1 << 20


class MetadataPeer(ScriptedPeer):
    def __init__(self, info_hash, metadata=None, metadata_size=None, host="127.0.0.1"):
        super().__init__(host=host)
        self.info_hash = info_hash
        self.metadata = metadata
        self.metadata_size = metadata_size if metadata_size is not None else len(metadata)
        self.requests = []
        self.connections = 0
        self.peer_id = b"-XX0001-" + os.urandom(6).hex().encode()  # one per peer: two liars are two peers

    def _serve(self, conn):
        hs = recv_exact(conn, 68)
        if hs[:20] != PROTOCOL or hs[28:48] != self.info_hash:
            return
        self.connections += 1
        reserved = bytearray(8)
        reserved[5] |= 0x10
        conn.sendall(PROTOCOL + bytes(reserved) + self.info_hash + self.peer_id)
        ext_hs = bencode({"m": {"ut_metadata": OUR_UT_METADATA}, "metadata_size": self.metadata_size,
                          "v": "metadata test peer"})
        conn.sendall(message(EXTENDED, b"\x00" + ext_hs))
        their_ut_metadata = 0
        while not self._stop.is_set():
            body = recv_message(conn, MAX_MESSAGE)
            if not body:
                continue  # keep-alive
            if body[0] != EXTENDED:
                continue
            ext_id, payload = body[1], body[2:]
            if ext_id == 0:
                their_ut_metadata = bdecode(payload).get(b"m", {}).get(b"ut_metadata", 0)
                continue
            if ext_id != OUR_UT_METADATA:
                continue
            try:
                msg = bdecode(payload)  # a request carries nothing after its dictionary
            except BencodeError:
                return
            if msg.get(b"msg_type") != 0:
                continue
            piece = msg[b"piece"]
            self.requests.append(piece)
            if self.metadata is None or not their_ut_metadata:
                continue  # claims a size, never delivers
            chunk = self.metadata[piece * PIECE:(piece + 1) * PIECE]
            reply = bencode({"msg_type": 1, "piece": piece, "total_size": len(self.metadata)}) + chunk
            conn.sendall(message(EXTENDED, bytes([their_ut_metadata]) + reply))
