"""The seed and leech tell the tracker what happens to them: started, completed, stopped (seen in a full scrape)."""
import signal
import time
import unittest

from swarm_testlib import SwarmTestCase, bin_path, free_port, log_text, make_torrent, start_tracker, wait_exit, \
    write_random_file
from tracker_testlib import bdecode, http_get


def scrape(announce):
    """The single torrent's {complete, incomplete, downloaded} from a full scrape, or None when it is unknown."""
    port = int(announce.split(":")[2].split("/")[0])
    status, _, body = http_get("127.0.0.1", port, "/scrape")
    if status != 200:
        raise AssertionError("scrape answered HTTP %d" % status)
    files = bdecode(body)[b"files"]
    if not files:
        return None
    (entry,) = files.values()
    return {k.decode(): v for k, v in entry.items()}


def wait_scrape(announce, expected, timeout=20):
    deadline = time.time() + timeout
    seen = None
    while time.time() < deadline:
        seen = scrape(announce)
        if seen is not None and all(seen.get(k) == v for k, v in expected.items()):
            return seen
        time.sleep(0.1)
    raise AssertionError("tracker never showed %r; last scrape %r" % (expected, seen))


class AnnounceEvents(SwarmTestCase):
    def test_started_completed_stopped_reach_the_tracker(self):
        announce = start_tracker(self.procs)
        write_random_file(self.path("data", "f.bin"), 1024 * 1024 + 7, seed=11)
        make_torrent(self.path("data", "f.bin"), self.path("f.torrent"), 64 * 1024, announce)
        seed, _ = self.start_seed("seed", self.path("f.torrent"), self.path("data", "f.bin"))
        # started, as a seeder (left=0)
        wait_scrape(announce, {"complete": 1, "incomplete": 0, "downloaded": 0})

        leech = self.procs.start("leech", [bin_path("leech"), self.path("f.torrent"), "-o", self.path("out"),
                                           "--host", "127.0.0.1", "--port", str(free_port()), "--timeout", "60"])
        self.assertEqual(wait_exit(leech, 120), 0, log_text(leech))
        # completed was counted, then stopped removed the leech: only the seed is left.
        wait_scrape(announce, {"complete": 1, "incomplete": 0, "downloaded": 1})

        seed.send_signal(signal.SIGTERM)
        self.assertEqual(wait_exit(seed, 30), 0, log_text(seed))
        # stopped from the seed: the swarm is empty (the tracker forgets a torrent with no peers).
        deadline = time.time() + 20
        last = None
        while time.time() < deadline:
            last = scrape(announce)
            if last is None or last.get("complete") == 0:
                break
            time.sleep(0.1)
        self.assertTrue(last is None or last.get("complete") == 0, "seed still listed after SIGTERM: %r" % last)


if __name__ == "__main__":
    unittest.main()
