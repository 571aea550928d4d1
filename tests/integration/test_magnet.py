"""Magnet links on loopback: our leech, given only the magnet, fetches the info dictionary (BEP 9 over BEP 10)
from our seed and then the data; --save-torrent writes the .torrent learned; peers that lie about the metadata
(a size far above the limit, bytes that do not hash to the info-hash) do not stop it; urn:btmh is refused."""
import datetime
import hashlib
import os
import re
import socket
import struct
import subprocess
import time
import unittest
import urllib.parse

from bdecode import bdecode, bdecode_torrent
from metadata_peer import MetadataPeer
from peer_wire import recv_exact
from swarm_testlib import (SwarmTestCase, bencode, bin_path, free_port, log_text, make_torrent, same_tree, start_tracker,
                           wait_exit, wait_for_log, wait_port, write_random_file)


def magnet(info_hash_hex, name=None, trackers=(), peers=()):
    parts = ["xt=urn:btih:" + info_hash_hex]
    if name:
        parts.append("dn=" + urllib.parse.quote(name))
    parts += ["tr=" + urllib.parse.quote(t, safe="") for t in trackers]
    parts += ["x.pe=" + p for p in peers]
    return "magnet:?" + "&".join(parts)


def leech_cmd(link, out, *extra):
    return [bin_path("leech"), link, "-o", out, "--host", "127.0.0.1", "--port", str(free_port()),
            "--timeout", "60", *extra]


def info_bytes(torrent):
    with open(torrent, "rb") as f:
        return bdecode_torrent(f.read())[1]


def dial_with_extensions(port, info_hash):
    """A raw connection to our seed: the BitTorrent handshake with the BEP 10 bit; returns (socket, their reserved)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    reserved = b"\x00\x00\x00\x00\x00\x10\x00\x00"
    s.sendall(b"\x13BitTorrent protocol" + reserved + info_hash + b"-XX0001-" + os.urandom(6).hex().encode())
    theirs = recv_exact(s, 68)
    return s, theirs[20:28]


def extended(ext_id, payload):
    return struct.pack(">IBB", len(payload) + 2, 20, ext_id) + payload


def next_extended(sock, deadline=20):
    """Skips other messages; returns (ext id, payload) of the next extended message."""
    end = time.time() + deadline
    while time.time() < end:
        (n,) = struct.unpack(">I", recv_exact(sock, 4))
        body = recv_exact(sock, n) if n else b""
        if body and body[0] == 20:
            return body[1], body[2:]
    raise AssertionError("no extended message")


class Magnet(SwarmTestCase):
    def make(self, size=3 * 1024 * 1024 + 777, piece=64 * 1024, announce=None, files=1):
        if files == 1:
            content = self.path("data", "sample.bin")
            write_random_file(content, size, seed=11)
        else:
            content = self.path("data", "album")
            for i in range(files):  # many files: metadata over one 16 KiB piece
                write_random_file(os.path.join(content, "track-%03d-with-a-long-name.bin" % i), 1000 + i, seed=i)
        ih = make_torrent(content, self.path("t.torrent"), piece, announce)
        return content, ih

    def test_magnet_through_tracker_completes_and_saves_the_torrent(self):
        announce = start_tracker(self.procs, interval=2)
        content, ih = self.make(files=500, piece=16 * 1024, announce=announce)
        self.assertGreater(len(info_bytes(self.path("t.torrent"))), 16 * 1024)  # several metadata pieces
        self.start_seed("seed", self.path("t.torrent"), content)
        link = magnet(ih, "album", trackers=[announce])
        saved = self.path("learned.torrent")
        leech = self.procs.start("leech", leech_cmd(link, self.path("out"), "--save-torrent", saved))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(content, self.path("out", "album")))
        self.assertRegex(log_text(leech), r"metadata received \(\d+ bytes\)")
        self.assertEqual(info_bytes(saved), info_bytes(self.path("t.torrent")))
        with open(saved, "rb") as f:
            top, _ = bdecode_torrent(f.read())
        self.assertEqual(top[b"announce"], announce.encode())  # the magnet's trackers are kept
        # A second run to the same --save-torrent file: it holds this torrent, nothing is replaced.
        with open(saved, "rb") as f:
            before = f.read()
        again = self.procs.start("again", leech_cmd(link, self.path("out"), "--save-torrent", saved))
        self.assertEqual(wait_exit(again, 120), 0, log_text(again))
        with open(saved, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_x_pe_only_without_a_tracker(self):
        content, ih = self.make()
        _, port = self.start_seed("seed", self.path("t.torrent"), content)
        link = magnet(ih, peers=["127.0.0.1:%d" % port])  # no dn: the name comes with the metadata
        leech = self.procs.start("leech", leech_cmd(link, self.path("out")))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(content, self.path("out", "sample.bin")))

    def test_x_pe_with_a_host_name_and_an_ipv6_literal(self):
        content, ih = self.make(size=512 * 1024 + 3)
        _, port = self.start_seed("seed", self.path("t.torrent"), content)
        # A name, resolved in the background (localhost may give ::1 too: nothing listens there, 127.0.0.1 serves).
        leech = self.procs.start("leech", leech_cmd(magnet(ih, peers=["localhost:%d" % port]), self.path("out"),
                                                    "--no-dht", "--log-level", "debug"))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(content, self.path("out", "sample.bin")))
        self.assertRegex(log_text(leech), r"x\.pe localhost:%d: \d+ addresses" % port)
        # [v6]:port, to a seed listening on ::1 only.
        port6 = free_port(socket.AF_INET6)
        self.procs.start("seed6", [bin_path("seed"), self.path("t.torrent"), "--data", content, "--host", "::1",
                                   "--port", str(port6)])
        wait_port(port6, 30, host="::1")
        leech6 = self.procs.start("leech6", leech_cmd(magnet(ih, peers=["[::1]:%d" % port6]), self.path("out6"),
                                                      "--no-dht"))
        self.assertEqual(wait_exit(leech6, 120), 0, log_text(leech6))
        self.assertTrue(same_tree(content, self.path("out6", "sample.bin")))
        # A name that does not resolve costs a warning; the other x.pe still serves. The leech seeds on after the
        # download (--seed): it may complete before the resolver gives up, and must still be there to say so.
        leech_bad = self.procs.start("leech-bad", leech_cmd(
            magnet(ih, peers=["no-such-host.invalid:6881", "127.0.0.1:%d" % port]), self.path("out-bad"), "--no-dht",
            "--seed"))
        wait_for_log(leech_bad, r"x\.pe no-such-host\.invalid:6881: resolve no-such-host\.invalid: ", 120)
        wait_for_log(leech_bad, r": complete: \d+ bytes verified", 120)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not same_tree(content, self.path("out-bad", "sample.bin")):
            time.sleep(0.1)
        self.assertTrue(same_tree(content, self.path("out-bad", "sample.bin")))
        self.assertIsNone(leech_bad.poll(), log_text(leech_bad))

    def test_redials_its_peers_at_once_after_the_metadata(self):
        # The connections made without the geometry close when the metadata arrives; the peers must be dialled
        # again as soon as the data is checked, not after the 2 s a peer that left waits (they did not leave).
        content, ih = self.make()
        _, port = self.start_seed("seed", self.path("t.torrent"), content)
        link = magnet(ih, peers=["127.0.0.1:%d" % port])
        leech = self.procs.start("leech", leech_cmd(link, self.path("out"), "--log-level", "debug"))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        text = log_text(leech)
        stamp = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) "
        ready = re.search(stamp + r"debug sample\.bin: checking -> downloading", text)
        again = re.search(stamp + r"debug sample\.bin: peer 127\.0\.0\.1:%d \(.*\) connected" % port, text)
        self.assertTrue(ready and again, text[-3000:])
        parse = lambda t: datetime.datetime.strptime(t, "%Y-%m-%d %H:%M:%S.%f")
        waited = (parse(again.group(1)) - parse(ready.group(1))).total_seconds()
        self.assertLess(waited, 1.8, "dialled again %.3f s after the check (a peer that left waits 2 s)" % waited)

    def test_save_torrent_never_replaces_a_different_file(self):
        content, ih = self.make()
        _, port = self.start_seed("seed", self.path("t.torrent"), content)
        saved = self.path("other.torrent")
        with open(saved, "wb") as f:
            f.write(b"not this torrent")
        leech = self.procs.start("leech", leech_cmd(magnet(ih), self.path("out"), "--peer", "127.0.0.1:%d" % port,
                                                    "--save-torrent", saved))
        wait_exit(leech, 120)
        self.assertTrue(same_tree(content, self.path("out", "sample.bin")), log_text(leech))
        with open(saved, "rb") as f:
            self.assertEqual(f.read(), b"not this torrent")
        self.assertRegex(log_text(leech), r"--save-torrent .*not written")

    def test_liars_about_the_metadata_do_not_stop_the_download(self):
        content, ih = self.make(files=500, piece=16 * 1024)
        real = info_bytes(self.path("t.torrent"))
        huge = MetadataPeer(bytes.fromhex(ih), metadata_size=100 << 20)
        wrong = bytearray(real)
        wrong[len(wrong) // 2] ^= 0xFF  # same size, one byte off: does not hash to the info-hash
        liar = MetadataPeer(bytes.fromhex(ih), metadata=bytes(wrong))
        huge.start()
        liar.start()
        try:
            # The honest seed comes up only once the liar was asked: the liar's metadata is assembled first.
            seed_port = free_port()
            link = magnet(ih, peers=["127.0.0.1:%d" % huge.port, "127.0.0.1:%d" % liar.port,
                                     "127.0.0.1:%d" % seed_port])
            leech = self.procs.start("leech", leech_cmd(link, self.path("out"), "--log-level", "debug"))
            deadline = time.time() + 30
            while not liar.requests and time.time() < deadline:
                time.sleep(0.05)
            self.assertTrue(liar.requests, log_text(leech))
            self.procs.start("seed", [bin_path("seed"), self.path("t.torrent"), "--data", content, "--host",
                                      "127.0.0.1", "--port", str(seed_port)])
            self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        finally:
            huge.stop()
            liar.stop()
        self.assertTrue(same_tree(content, self.path("out", "album")))
        text = log_text(leech)
        self.assertRegex(text, r"not fetching metadata from it: .*metadata_size")
        self.assertEqual(huge.requests, [])  # never asked for anything of a refused size
        self.assertRegex(text, r"metadata does not hash to the info-hash")
        self.assertRegex(text, r"%d: closed: sent metadata that does not hash" % liar.port)

    def test_seed_serves_metadata_tolerates_odd_fields_and_drops_garbage(self):
        content, ih = self.make(files=500, piece=16 * 1024)
        real = info_bytes(self.path("t.torrent"))
        _, port = self.start_seed("seed", self.path("t.torrent"), content)
        sock, reserved = dial_with_extensions(port, bytes.fromhex(ih))
        with sock:
            self.assertTrue(reserved[5] & 0x10)  # our seed speaks BEP 10
            ext_id, payload = next_extended(sock)
            self.assertEqual(ext_id, 0)
            hs = bdecode(payload)
            self.assertEqual(hs[b"metadata_size"], len(real))
            self.assertEqual(hs[b"v"], b"Shoal 0.1.0")
            self.assertEqual(hs[b"yourip"], socket.inet_aton("127.0.0.1"))
            ours = hs[b"m"][b"ut_metadata"]
            # Odd fields (a string port, a negative reqq, an unknown extension) cost nothing; a re-sent handshake
            # is merged; then the last piece is asked for under the id we gave.
            sock.sendall(extended(0, bencode({"m": {"ut_metadata": 7, "lt_whatever": 9}, "p": "x", "reqq": -1})))
            sock.sendall(extended(0, bencode({"m": {"ut_metadata": 5}, "v": 12})))
            last = (len(real) - 1) // (16 * 1024)
            sock.sendall(extended(ours, bencode({"msg_type": 0, "piece": last})))
            ext_id, payload = next_extended(sock)
            self.assertEqual(ext_id, 5)  # the id of the re-sent handshake
            head = bencode({"msg_type": 1, "piece": last, "total_size": len(real)})
            self.assertEqual(payload, head + real[last * 16 * 1024:])
        sock, _ = dial_with_extensions(port, bytes.fromhex(ih))
        with sock:
            next_extended(sock)
            sock.sendall(extended(0, b"d1:m"))  # garbage: the connection goes
            sock.settimeout(20)
            with self.assertRaises(ConnectionError):  # closed, not timed out
                while True:
                    next_extended(sock)
        # The seed is unharmed: a magnet leech still completes from it.
        leech = self.procs.start("leech", leech_cmd(magnet(ih, peers=["127.0.0.1:%d" % port]), self.path("out")))
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        self.assertTrue(same_tree(content, self.path("out", "album")))

    def test_btmh_is_refused(self):
        v2 = "magnet:?xt=urn:btmh:1220" + "ab" * 32
        r = subprocess.run([bin_path("torrent-info"), v2], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("BitTorrent v2 (urn:btmh) is not supported yet", r.stderr)
        leech = self.procs.start("leech", leech_cmd(v2, self.path("out")))
        self.assertNotEqual(wait_exit(leech, 30), 0)
        self.assertIn("BitTorrent v2 (urn:btmh) is not supported yet", log_text(leech))

    def test_torrent_info_shows_a_magnet(self):
        ih = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a"
        link = magnet(ih, "a name", trackers=["http://t.example/announce"], peers=["127.0.0.1:6881"])
        r = subprocess.run([bin_path("torrent-info"), link], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        for want in (ih, "a name", "http://t.example/announce", "127.0.0.1:6881"):
            self.assertIn(want, r.stdout)
        r = subprocess.run([bin_path("torrent-info"), "--json", link], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"magnet":true', r.stdout)


if __name__ == "__main__":
    unittest.main()
