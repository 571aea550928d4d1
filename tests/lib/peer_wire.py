"""Framing of the peer wire protocol (BEP 3) for the scripted peers and raw-socket tests. Stdlib only."""
import struct


def recv_exact(sock, n):
    """Exactly n bytes from sock; a peer that closes first raises ConnectionError saying how far it got."""
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("peer closed the connection after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return bytes(buf)


def message(msg_id, payload=b""):
    """One length-prefixed message: <length><id><payload>."""
    return struct.pack(">IB", 1 + len(payload), msg_id) + payload


def recv_message(sock, max_length):
    """One message's body (id and payload), b"" for a keep-alive. A length over max_length raises ConnectionError:
    a scripted peer never trusts the length a peer sent."""
    (length,) = struct.unpack(">I", recv_exact(sock, 4))
    if length > max_length:
        raise ConnectionError("message of %d bytes (at most %d)" % (length, max_length))
    return recv_exact(sock, length) if length else b""
