"""Two leeches told to dial each other (--peer both ways) end up with ONE connection between them, not one each
way: the connection dialled by the lower peer id survives on both ends. Each leech's debug log never shows two
live connections to the other leech at once, and both complete byte-identical."""
import re
import signal
import unittest

from swarm_testlib import (SwarmTestCase, bin_path, free_port, log_text, make_torrent, same_file,
                           wait_exit, wait_for_log, write_random_file)

MiB = 1024 * 1024


def most_connections_to_leeches(text, seed_port):
    """The most connections open at once to peers other than the seed (it has no tracker here, so it dials nobody)."""
    live = most = 0
    for m in re.finditer(r"peer (\S+) \(\S+\) (connected|left|gone)", text):
        if m.group(1).endswith(":%d" % seed_port):
            continue
        live += 1 if m.group(2) == "connected" else -1
        most = max(most, live)
    return most


class DuplicateConnections(SwarmTestCase):
    def test_one_connection_per_pair_of_peers(self):
        size = 4 * MiB
        write_random_file(self.path("d", "f.bin"), size, seed=71)
        make_torrent(self.path("d", "f.bin"), self.path("t.torrent"), 64 * 1024)
        _, seed_port = self.start_seed("seed", self.path("t.torrent"), self.path("d", "f.bin"),
                                       "--max-upload-rate", "1000000")
        ports = [free_port(), free_port()]
        leeches = [self.procs.start("leech%d" % i, [
            bin_path("leech"), self.path("t.torrent"), "-o", self.path("out%d" % i), "--host", "127.0.0.1",
            "--port", str(ports[i]), "--timeout", "60", "--seed", "--log-level", "debug",
            "--peer", "127.0.0.1:%d" % seed_port, "--peer", "127.0.0.1:%d" % ports[1 - i]]) for i in range(2)]
        for p in leeches:
            wait_for_log(p, r"complete: %d bytes verified" % size, 60)
        text = log_text(leeches[0]) + log_text(leeches[1])
        # Both dialled: at least one side saw the second connection and resolved it.
        self.assertRegex(text, r"already connected to that peer|duplicate connection to the same peer")
        for i, p in enumerate(leeches):
            p.send_signal(signal.SIGTERM)
            self.assertEqual(wait_exit(p, 15), 0, log_text(p))
            self.assertTrue(same_file(self.path("d", "f.bin"), self.path("out%d" % i, "f.bin")))
            self.assertLessEqual(most_connections_to_leeches(log_text(p), seed_port), 1, log_text(p))


if __name__ == "__main__":
    unittest.main()
