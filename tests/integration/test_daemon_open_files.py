"""shoald with many torrents and no peers holds nothing of their data open: 40 seeding torrents cost it no
descriptor at all (no data file, not the download folder the files are opened beneath: a torrent with no peer
keeps no storage), so that thousands of idle torrents stay under the limit of open files; a peer that comes still
gets the data (the storage opens again), and it is closed when the peer leaves."""
import os
import time
import unittest

from shoald_testlib import RpcClient, metainfo_b64, start_shoald, stop_shoald
from ports import free_port
from swarm_testlib import SwarmTestCase, bin_path, log_text, make_torrent, same_file, wait_exit, write_random_file

SEED = 6
COUNT = 40


def open_files(pid):
    """The files and folders among the process's descriptors (sockets, pipes, eventfds left out)."""
    out = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue  # closed meanwhile
        if target.startswith("/") and (os.path.isfile(target) or os.path.isdir(target)):
            out.append(target)
    return out


class DaemonOpenFiles(SwarmTestCase):
    def test_idle_torrents_hold_no_data_file(self):
        data = self.path("data")
        for i in range(COUNT):
            write_random_file(os.path.join(data, "f%02d.bin" % i), 40 * 1024, seed=i)
            make_torrent(os.path.join(data, "f%02d.bin" % i), self.path("t%02d.torrent" % i), 16 * 1024)
        d, port = start_shoald(self.procs, self.dir)
        rpc = RpcClient(port)
        self.addCleanup(rpc.close)
        for i in range(COUNT):
            rpc.call("torrent-add", metainfo=metainfo_b64(self.path("t%02d.torrent" % i)), download_dir=data)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = [t["status"] for t in rpc.torrents(["status"])]
            if len(states) == COUNT and all(s == SEED for s in states):
                break
            time.sleep(0.2)
        self.assertEqual(states, [SEED] * COUNT)
        held = [f for f in open_files(d.pid) if f.startswith(data)]
        self.assertEqual(held, [], "data files or folders held open by idle torrents")

        # A leech of one of them is served (the file opens again for it), and the file is closed after it leaves.
        peer_port = rpc.call("session-get")["peer-port"]
        leech = self.procs.start("leech", [bin_path("leech"), self.path("t07.torrent"), "-o", self.path("out"),
                                           "--host", "127.0.0.1", "--port", str(free_port()),
                                           "--peer", "127.0.0.1:%d" % peer_port, "--no-dht"])
        self.assertEqual(wait_exit(leech, 60), 0, log_text(leech))
        self.assertTrue(same_file(os.path.join(data, "f07.bin"), self.path("out", "f07.bin")))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and [f for f in open_files(d.pid) if f.startswith(data)]:
            time.sleep(0.2)
        self.assertEqual([f for f in open_files(d.pid) if f.startswith(data)], [])
        self.assertEqual(stop_shoald(d), 0)


if __name__ == "__main__":
    unittest.main()
