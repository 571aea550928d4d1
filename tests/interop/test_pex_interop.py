"""Peer exchange (BEP 11) and the fast extension (BEP 6) with libtorrent on loopback, each way:
- libtorrent, given only our seed, learns our leech from our seed's ut_pex messages and connects to it;
- our leech, given only a libtorrent seed, learns from the seed's ut_pex a peer the seed dialled and connects to it
  (libtorrent sends its first ut_pex to a peer within seconds of the extended handshake, but only while it has
  more than one peer: the seed is rate-limited so that nobody completes and leaves first);
- a libtorrent leech completes from our seed with fast extension messages both ways (libtorrent's peer log).
Bad input: a scripted peer sends our leech a ut_pex message with thousands of peers and our own address; the
download still completes and our address is not dialled."""
import os
import re
import socket
import struct
import textwrap
import time
import unittest

from listening_leech import ListeningLeech
from swarm_testlib import (Procs, TempDir, bencode, bin_path, free_port, log_text, make_torrent, same_file, wait_exit,
                           wait_for_log, wait_port, write_random_file)

MiB = 1024 * 1024

SETTINGS = ("{'listen_interfaces': '127.0.0.1:%d' % port, 'enable_dht': False, 'enable_lsd': False, "
            "'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True, "
            "'alert_mask': lt.alert.category_t.peer_log_notification | lt.alert.category_t.error_notification}")

# A libtorrent peer: seeds or leeches `torrent`, dials the given peers, and prints each peer it is connected to
# with the sources it learned it from ("libtorrent peer PORT pid -SH0100- source S"; pex is 4) and each fast extension message in its peer log ("libtorrent fast <== HAVE_ALL").
LIBTORRENT_PEER = textwrap.dedent("""
    import sys, time
    import libtorrent as lt
    torrent, save_path, port, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    rate = int(sys.argv[5])
    dial = [int(p) for p in sys.argv[6:]]
    s = lt.session(%s)
    if rate:  # loopback peers are in libtorrent's local peer class, which the session's limits do not cover
        pc = s.get_peer_class(lt.session.local_peer_class_id)
        pc['upload_limit'] = pc['download_limit'] = rate
        s.set_peer_class(lt.session.local_peer_class_id, pc)
    h = s.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save_path})
    for p in dial:
        h.connect_peer(('127.0.0.1', p))
    seen, fast = set(), set()
    done = False
    deadline = time.time() + seconds
    while time.time() < deadline:
        for p in h.get_peer_info():
            if p.pid.is_all_zeros():
                continue  # no handshake yet
            key = (p.ip[1], p.source)
            if key not in seen:
                seen.add(key)
                pid = p.pid.to_bytes()[:8].decode('latin-1')
                print('libtorrent peer %%d pid %%s source %%d' %% (p.ip[1], pid, p.source), flush=True)
        for a in s.pop_alerts():
            if isinstance(a, lt.peer_log_alert):
                m = a.message()  # "... [ip:port] <== HAVE_ALL [ ... ]" (incoming) or "==> ..." (outgoing)
                for arrow in ('<==', '==>'):
                    for name in ('HAVE_ALL', 'HAVE_NONE', 'ALLOWED_FAST', 'REJECT_PIECE', 'SUGGEST'):
                        key = arrow + ' ' + name
                        if key in m and key not in fast:
                            fast.add(key)
                            print('libtorrent fast %%s' %% key, flush=True)
        if not done and h.status().is_seeding:
            done = True
            print('libtorrent complete', flush=True)
        time.sleep(0.1)
""" % SETTINGS)


class PexInterop(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()
        self.procs = Procs(self.dir)
        self.data = os.path.join(self.dir, "data", "sample.bin")
        write_random_file(self.data, 4 * MiB + 1234, seed=51)
        self.torrent = os.path.join(self.dir, "t.torrent")
        self.info_hash = make_torrent(self.data, self.torrent, 64 * 1024)
        self.script = os.path.join(self.dir, "lt_peer.py")
        with open(self.script, "w") as f:
            f.write(LIBTORRENT_PEER)

    def tearDown(self):
        self.procs.kill_all()
        self.tmp.__exit__(None, None, None)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def libtorrent(self, name, save_path, rate=0, dial=(), seconds=150):
        port = free_port()
        p = self.procs.start(name, ["/usr/bin/python3", self.script, self.torrent, save_path, str(port), str(seconds),
                                    str(rate), *[str(d) for d in dial]])
        wait_port(port, 30)
        return p, port

    def our_seed(self, *extra):
        port = free_port()
        p = self.procs.start("seed", [bin_path("seed"), self.torrent, "--data", self.data, "--host", "127.0.0.1",
                                      "--port", str(port), "--log-level", "debug", *extra])
        wait_port(port, 30)
        return p, port

    def our_leech(self, name, peer_port, *extra):
        port = free_port()
        p = self.procs.start(name, [bin_path("leech"), self.torrent, "-o", self.path(name), "--host", "127.0.0.1",
                                    "--port", str(port), "--peer", "127.0.0.1:%d" % peer_port, "--timeout", "120",
                                    "--log-level", "debug", *extra])
        return p, port

    def test_libtorrent_learns_our_leech_from_our_seed(self):
        _, seed_port = self.our_seed("--max-upload-rate", "100000")
        leech, _ = self.our_leech("leech", seed_port, "--seed")
        wait_for_log(leech, r"peer 127\.0\.0\.1:%d .*connected" % seed_port, 30)
        lt_peer, _ = self.libtorrent("lt", self.path("lt"), dial=[seed_port])
        # Our leech may dial libtorrent first (it learns it from the seed too); either way libtorrent must have
        # our leech from PEX (peer_info.source & 4) by its listen port.
        deadline = time.time() + 60
        while time.time() < deadline:
            rows = [(int(port), int(src)) for port, src in
                    re.findall(r"libtorrent peer (\d+) pid -SH0100- source (\d+)", log_text(lt_peer))]
            if any(port != seed_port and src & 4 for port, src in rows):
                break
            time.sleep(0.5)
        else:
            self.fail("libtorrent never had our leech from PEX:\n" + log_text(lt_peer))

    def test_our_leech_learns_a_peer_from_libtorrent_seed(self):
        # The second peer only listens (it never dials, so our leech can reach it only by dialling it itself), and
        # the libtorrent seed dials it: libtorrent names in ut_pex the peers it dialled, and incoming ones only if
        # they gave a listen port.
        other = ListeningLeech.from_torrent_file(self.torrent, self.path("other.bin"))
        other.start()
        self.addCleanup(other.stop)
        _, seed_port = self.libtorrent("lt_seed", os.path.dirname(self.data), rate=100000, dial=[other.port])
        deadline = time.time() + 30
        while other.connections == 0 and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(other.connections, 1, "the libtorrent seed never dialled the listening peer")
        leech, _ = self.our_leech("leech", seed_port, "--no-dht")
        wait_for_log(leech, r"peer exchange from 127\.0\.0\.1:%d: [1-9]\d* added" % seed_port, 60)
        wait_for_log(leech, r"peer 127\.0\.0\.1:%d \(.*\) connected" % other.port, 30)
        deadline = time.time() + 10
        while other.connections < 2 and time.time() < deadline:
            time.sleep(0.2)
        self.assertTrue(other.peer_ids[0].startswith(b"-LT"), other.peer_ids)
        self.assertTrue(any(pid.startswith(b"-SH") for pid in other.peer_ids[1:]), other.peer_ids)

    def test_fast_extension_both_ways_with_a_libtorrent_leech(self):
        seed, seed_port = self.our_seed()
        lt_leech, _ = self.libtorrent("lt_leech", self.path("lt"), dial=[seed_port])
        wait_for_log(lt_leech, r"libtorrent complete", 90)
        self.assertTrue(same_file(self.data, self.path("lt", "sample.bin")))
        text = log_text(lt_leech)
        self.assertIn("libtorrent fast <== HAVE_ALL", text)  # ours, instead of a bitfield
        self.assertIn("libtorrent fast <== ALLOWED_FAST", text)
        self.assertRegex(text, r"libtorrent fast ==> (HAVE_NONE|ALLOWED_FAST)")  # libtorrent's, to us
        self.assertRegex(log_text(seed), r"fast extension: (have none|allowed fast)")

    def test_pex_with_thousands_of_peers_and_our_own_address(self):
        _, seed_port = self.our_seed("--max-upload-rate", "1000000")
        leech_port = free_port()
        liar = PexLiar(self.info_hash, leech_port)
        leech = self.procs.start("leech", [bin_path("leech"), self.torrent, "-o", self.path("leech"), "--host",
                                           "127.0.0.1", "--port", str(leech_port), "--peer", "127.0.0.1:%d" % seed_port,
                                           "--peer", "127.0.0.1:%d" % liar.port, "--timeout", "120",
                                           "--log-level", "debug"])
        try:
            self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        finally:
            liar.stop()
        self.assertTrue(liar.sent, "the liar's PEX message was never sent")
        text = log_text(leech)
        self.assertRegex(text, r"peer exchange from 127\.0\.0\.1:%d: 200 added \(1 ours, \d+ over the cap\)" % liar.port)
        self.assertNotIn("127.0.0.1:%d: connected to ourselves" % leech_port, text)
        self.assertTrue(same_file(self.data, self.path("leech", "sample.bin")))


class PexLiar:
    """A peer that completes the handshake and the extended handshake, then sends one ut_pex message naming 5000
    peers (127.254.x.y port 9: loopback, refused at once) with the leech's own address first, and then idles."""

    def __init__(self, info_hash_hex, victim_port):
        import threading
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.sent = False
        self.info_hash = bytes.fromhex(info_hash_hex)
        self.victim_port = victim_port
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(1)
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                self.talk(conn)
            except OSError:
                pass
            finally:
                conn.close()

    def talk(self, conn):
        conn.settimeout(10)
        reserved = bytes([0, 0, 0, 0, 0, 0x10, 0, 0])
        conn.sendall(b"\x13BitTorrent protocol" + reserved + self.info_hash + b"-XX0001-liarliarliar")
        got = b""
        while len(got) < 68:
            chunk = conn.recv(68 - len(got))
            if not chunk:
                return
            got += chunk
        hs = bencode({"m": {"ut_pex": 1}, "p": self.port})
        conn.sendall(struct.pack(">IBB", 2 + len(hs), 20, 0) + hs)
        # Their extended handshake tells us their ut_pex id; read frames until it comes.
        their_id = None
        buf = b""
        deadline = time.time() + 10
        while their_id is None and time.time() < deadline:
            chunk = conn.recv(65536)
            if not chunk:
                return
            buf += chunk
            while len(buf) >= 4:
                n = struct.unpack(">I", buf[:4])[0]
                if len(buf) < 4 + n:
                    break
                frame, buf = buf[4:4 + n], buf[4 + n:]
                if n >= 2 and frame[0] == 20 and frame[1] == 0:
                    m = re.search(rb"6:ut_pexi(\d+)e", frame)
                    their_id = int(m.group(1)) if m else None
        if their_id is None:
            return
        added = socket.inet_aton("127.0.0.1") + struct.pack(">H", self.victim_port)
        for i in range(4999):
            added += bytes([127, 254, (i >> 8) & 0xff, i & 0xff]) + struct.pack(">H", 9)  # loopback, refused
        msg = bencode({"added": added, "added.f": b"\x00" * 5000, "dropped": b""})
        conn.sendall(struct.pack(">IBB", 2 + len(msg), 20, their_id) + msg)
        self.sent = True
        end = time.time() + 60
        while not self.stopping and time.time() < end:
            try:
                if not conn.recv(65536):
                    return
            except socket.timeout:
                pass

    def stop(self):
        self.stopping = True
        self.sock.close()
        self.thread.join(timeout=15)


if __name__ == "__main__":
    unittest.main()
