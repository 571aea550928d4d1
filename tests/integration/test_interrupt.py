"""Ctrl-C: a leech stops within 1 s even when its tracker never answers (the stopped announce is bounded), exits
130 saying that the same command resumes, and the same command does resume; a second Ctrl-C exits at once."""
import signal
import socket
import threading
import time
import unittest

from swarm_testlib import (SwarmTestCase, bencode, bin_path, free_port, log_text, make_torrent, same_tree, wait_exit,
                           wait_resumed, write_random_file)

MiB = 1024 * 1024


class SilentTcpTracker:
    """Accepts connections and reads what comes, never answering (an overloaded or wedged tracker)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)
            except OSError:
                continue

    def close(self):
        self.stop = True
        self.thread.join(5)
        for c in self.conns:
            c.close()
        self.sock.close()


class Interrupt(SwarmTestCase):
    def setUp(self):
        super().setUp()
        self.silent = SilentTcpTracker()
        self.udp_sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # drops every packet: never read
        self.udp_sink.bind(("127.0.0.1", 0))

    def tearDown(self):
        super().tearDown()
        self.silent.close()
        self.udp_sink.close()

    def trackers(self):
        return ["http://127.0.0.1:%d/announce" % self.silent.port,
                "udp://127.0.0.1:%d/announce" % self.udp_sink.getsockname()[1]]

    def torrent_with_hung_trackers(self, size, seed):
        write_random_file(self.path("d", "f.bin"), size, seed=seed)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        # One tracker a tier: the announce walks a hung HTTP one, then a silent UDP one.
        with open(self.path("t.torrent"), "rb") as f:
            raw = f.read()
        tiers = [[url] for url in self.trackers()]
        extra = b"8:announce" + bencode(tiers[0][0]) + b"13:announce-list" + bencode(tiers)
        with open(self.path("t.torrent"), "wb") as f:
            f.write(b"d" + extra + raw[1:])  # "announce" and "announce-list" sort before "info"

    def leech_cmd(self, *extra):
        return [bin_path("leech"), self.path("t.torrent"), "-o", self.path("out"), "--host", "127.0.0.1",
                "--port", str(free_port()), "--timeout", "60", "--json", *extra]

    def test_ctrl_c_stops_within_a_second_and_the_same_command_resumes(self):
        self.torrent_with_hung_trackers(6 * MiB, 91)
        _, port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"),
                                  "--max-upload-rate", "1000000")
        cmd = self.leech_cmd("--peer", "127.0.0.1:%d" % port)
        leech = self.procs.start("leech1", cmd)
        self.assertEqual(wait_resumed(leech, 30)[0], 0)
        time.sleep(2.5)  # a good part arrives, the started announce hangs on both trackers
        self.assertIsNone(leech.poll(), log_text(leech))
        sent = time.monotonic()
        leech.send_signal(signal.SIGINT)
        code = wait_exit(leech, 30)
        took = time.monotonic() - sent
        log = log_text(leech)
        self.assertEqual(code, 130, log)
        self.assertLess(took, 1.5, "exit took %.2f s after SIGINT:\n%s" % (took, log))
        self.assertIn("run the same command again to resume", log)
        again = self.procs.start("leech2", cmd)
        self.assertGreater(wait_resumed(again, 30)[0], 0, log_text(again))
        self.assertEqual(wait_exit(again, 120), 0, log_text(again))
        self.assertTrue(same_tree(self.path("d", "f.bin"), self.path("out", "f.bin")))

    def test_second_ctrl_c_exits_at_once(self):
        self.torrent_with_hung_trackers(1 * MiB, 92)
        leech = self.procs.start("leech", self.leech_cmd())
        self.assertEqual(wait_resumed(leech, 30)[0], 0)
        time.sleep(0.5)
        leech.send_signal(signal.SIGINT)
        time.sleep(0.1)
        sent = time.monotonic()
        leech.send_signal(signal.SIGINT)
        code = wait_exit(leech, 30)
        took = time.monotonic() - sent
        self.assertEqual(code, 130, log_text(leech))
        self.assertLess(took, 0.5, "exit took %.2f s after the second SIGINT" % took)
        self.assertIn("run the same command again to resume", log_text(leech))

    def test_sigterm_on_an_unfinished_leech_exits_143(self):
        self.torrent_with_hung_trackers(1 * MiB, 93)
        leech = self.procs.start("leech", self.leech_cmd())
        self.assertEqual(wait_resumed(leech, 30)[0], 0)
        sent = time.monotonic()
        leech.send_signal(signal.SIGTERM)
        self.assertEqual(wait_exit(leech, 30), 143, log_text(leech))
        self.assertLess(time.monotonic() - sent, 1.5, log_text(leech))


if __name__ == "__main__":
    unittest.main()
