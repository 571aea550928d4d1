"""Seeds dial out as well as accept: a seed started after its leech has announced connects to that leech and
serves it. The leech here is a scripted peer that only listens (it never dials, as a leech behind NAT), so it can
complete only if the seed dials it."""
import unittest

from listening_leech import ListeningLeech
from swarm_testlib import SwarmTestCase, log_text, make_torrent, same_file, start_tracker, write_random_file

MiB = 1024 * 1024


class SeedDialsOut(SwarmTestCase):
    def test_seed_started_after_the_leech_announced_serves_a_leech_that_never_dials(self):
        announce = start_tracker(self.procs, interval=2)
        write_random_file(self.path("d", "a.bin"), 3 * MiB + 12345, seed=131)
        make_torrent(self.path("d", "a.bin"), self.path("a.torrent"), 64 * 1024, announce=announce)
        with ListeningLeech.from_torrent_file(self.path("a.torrent"), self.path("got.bin")) as leech:
            leech.announce(announce)
            seed, _ = self.start_seed("seed", self.path("a.torrent"), self.path("d", "a.bin"))
            self.assertTrue(leech.done.wait(60), "the listening leech got nothing:\n" + log_text(seed)[-3000:])
            self.assertGreaterEqual(leech.connections, 1)
        self.assertTrue(same_file(self.path("d", "a.bin"), self.path("got.bin")))


if __name__ == "__main__":
    unittest.main()
