"""A leech never keeps more requests outstanding with a peer than the queue that peer advertised (BEP 10 "reqq":
requests beyond it may be dropped), even when that is below the leech's own starting pipeline of 64; and it still
completes from such a peer."""
import unittest

from queue_limited_seed import QueueLimitedSeed
from swarm_testlib import SwarmTestCase, bin_path, log_text, make_torrent, same_file, wait_exit, write_random_file

MiB = 1024 * 1024


class RequestQueue(SwarmTestCase):
    def download_from(self, reqq):
        write_random_file(self.path("d", "a.bin"), MiB + 5000, seed=77)
        make_torrent(self.path("d", "a.bin"), self.path("a.torrent"), 256 * 1024)
        with QueueLimitedSeed.from_files(self.path("a.torrent"), self.path("d", "a.bin"), reqq=reqq) as seed:
            leech = self.procs.start("leech", [bin_path("leech"), self.path("a.torrent"), "-o", self.path("out"),
                                               "--host", "127.0.0.1", "--port", "0", "--peer",
                                               "127.0.0.1:%d" % seed.port, "--timeout", "60"])
            self.assertEqual(wait_exit(leech, 90), 0, log_text(leech)[-3000:])
            self.assertTrue(same_file(self.path("d", "a.bin"), self.path("out", "a.bin")))
            return seed.most_outstanding

    def test_never_more_outstanding_requests_than_the_peer_keeps(self):
        most = self.download_from(reqq=8)
        self.assertGreater(most, 0)
        self.assertLessEqual(most, 8)

    def test_without_a_small_queue_the_pipeline_is_deeper(self):
        # The same seed saying 500 (as libtorrent does) sees the leech's own pipeline: the check above can fail.
        self.assertGreater(self.download_from(reqq=500), 8)


if __name__ == "__main__":
    unittest.main()
