"""The engine as a service, driven at runtime through --control and observed through --json: add, remove (with
and without the data), pause, resume and verify, on a seed and on a leech, each step asserted on the events."""
import os
import unittest

from json_events import JsonProcess
from ports import free_port, wait_port
from swarm_testlib import SwarmTestCase, bin_path, make_torrent, same_file, write_random_file

MIB = 1024 * 1024


class RuntimeControl(SwarmTestCase):
    def start_json(self, name, cmd):
        p = JsonProcess(name, cmd, self.dir)
        self.addCleanup(p.close)
        return p

    def states(self, p, torrent_id):
        return [e["to"] for e in p.events if e.get("event") == "state" and e.get("id") == torrent_id]

    def test_seed_pause_resume_verify_remove_and_add_again(self):
        for name, size in (("a.bin", 2 * MIB), ("b.bin", MIB + 5)):
            write_random_file(self.path("data", name), size, seed=len(name) + size)
            make_torrent(self.path("data", name), self.path(name + ".torrent"), 64 * 1024)
        seed = self.start_json("seed", [bin_path("seed"), self.path("a.bin.torrent"), self.path("b.bin.torrent"),
                                        "--data", self.path("data"), "--host", "127.0.0.1", "--port",
                                        str(free_port()), "--json", "--control"])
        seed.wait_event("listening")
        a = seed.wait_event("added", name="a.bin")["id"]
        b = seed.wait_event("added", name="b.bin")["id"]
        for t in (a, b):
            seed.wait_event("state", id=t, to="seeding")
        self.assertEqual(self.states(seed, a), ["checking", "seeding"])  # queued for check first, as added says

        self.assertTrue(seed.command(command="pause", id=a)["ok"])
        seed.wait_event("state", id=a, **{"from": "seeding", "to": "paused"})
        seed.send(command="status", id=a)
        self.assertEqual(seed.wait_event("status", id=a)["state"], "paused")

        self.assertTrue(seed.command(command="resume", id=a)["ok"])
        seed.wait_event("state", id=a, **{"from": "paused", "to": "seeding"})  # checked before: no new check

        self.assertTrue(seed.command(command="verify", id=a)["ok"])
        seed.wait_event("state", id=a, to="queued for check")
        seed.wait_event("state", id=a, to="checking")
        seed.wait_event("state", id=a, **{"from": "checking", "to": "seeding"})

        # Remove, keeping the data; add it again (a new id), then remove it with its data.
        self.assertTrue(seed.command(command="remove", id=b)["ok"])
        removed = seed.wait_event("removed", id=b)
        self.assertFalse(removed["data_deleted"])
        self.assertTrue(os.path.exists(self.path("data", "b.bin")))
        reply = seed.command(command="pause", id=b)
        self.assertFalse(reply["ok"])
        self.assertIn("no torrent with id %d" % b, reply["error"])

        reply = seed.command(command="add", torrent=self.path("b.bin.torrent"))
        self.assertTrue(reply["ok"], reply)
        b2 = reply["id"]
        self.assertNotEqual(b2, b)
        seed.wait_event("state", id=b2, to="seeding")
        self.assertTrue(seed.command(command="remove", id=b2, delete_data=True)["ok"])
        self.assertTrue(seed.wait_event("removed", id=b2)["data_deleted"])
        self.assertFalse(os.path.exists(self.path("data", "b.bin")))
        self.assertTrue(os.path.exists(self.path("data", "a.bin")))  # only that torrent's files

        reply = seed.command(command="add", torrent=self.path("missing.torrent"))
        self.assertFalse(reply["ok"])
        self.assertIn("missing.torrent", reply["error"])

        self.assertTrue(seed.command(command="stop")["ok"])
        self.assertEqual(seed.wait_event("exit")["code"], 0)
        self.assertEqual(seed.proc.wait(timeout=30), 0)

    def test_leech_pause_resume_then_verify_finds_damage_and_repairs_it(self):
        write_random_file(self.path("data", "f.bin"), 4 * MIB, seed=7)
        make_torrent(self.path("data", "f.bin"), self.path("f.torrent"), 64 * 1024)
        _, seed_port = self.start_seed("seed", self.path("f.torrent"), self.path("data", "f.bin"))
        leech = self.start_json("leech", [bin_path("leech"), self.path("f.torrent"), "-o", self.path("out"),
                                          "--host", "127.0.0.1", "--port", str(free_port()),
                                          "--peer", "127.0.0.1:%d" % seed_port, "--max-download-rate", "1M",
                                          "--json", "--control"])
        t = leech.wait_event("added")["id"]
        leech.wait_event("state", id=t, to="downloading")
        leech.wait_event("pieces", id=t)  # something arrived
        self.assertTrue(leech.command(command="pause", id=t)["ok"])
        leech.wait_event("state", id=t, **{"from": "downloading", "to": "paused"})
        leech.send(command="status", id=t)
        paused = leech.wait_event("status", id=t)
        self.assertEqual(paused["peers"], 0)
        self.assertLess(paused["verified_bytes"], 4 * MIB)

        self.assertTrue(leech.command(command="limits", id=t, download_rate=0)["ok"])  # unlimited from now on
        self.assertTrue(leech.command(command="resume", id=t)["ok"])
        leech.wait_event("state", id=t, **{"from": "paused", "to": "downloading"})
        done = leech.wait_event("completed", id=t, timeout=60)
        self.assertEqual(done["verified_bytes"], 4 * MIB)
        self.assertTrue(same_file(self.path("data", "f.bin"), self.path("out", "f.bin")))

        # Damage one byte of piece 10, verify: the piece is found missing and fetched again.
        with open(self.path("out", "f.bin"), "r+b") as f:
            f.seek(10 * 64 * 1024 + 3)
            byte = f.read(1)
            f.seek(10 * 64 * 1024 + 3)
            f.write(bytes([byte[0] ^ 0xFF]))
        self.assertTrue(leech.command(command="verify", id=t)["ok"])
        leech.wait_event("state", id=t, **{"from": "checking", "to": "downloading"})
        again = leech.wait_event("completed", id=t, timeout=60)
        self.assertEqual(again["verified_bytes"], 4 * MIB)
        self.assertTrue(same_file(self.path("data", "f.bin"), self.path("out", "f.bin")))

        self.assertTrue(leech.command(command="remove", id=t, delete_data=True)["ok"])
        self.assertTrue(leech.wait_event("removed", id=t)["data_deleted"])
        self.assertFalse(os.path.exists(self.path("out", "f.bin")))
        leech.proc.stdin.close()  # the end of input stops a --control process
        self.assertEqual(leech.wait_event("exit")["code"], 0)
        self.assertEqual(leech.proc.wait(timeout=30), 0)

    def test_json_without_control_ends_with_the_download(self):
        write_random_file(self.path("data", "f.bin"), MIB, seed=3)
        make_torrent(self.path("data", "f.bin"), self.path("f.torrent"), 64 * 1024)
        _, seed_port = self.start_seed("seed", self.path("f.torrent"), self.path("data", "f.bin"))
        leech = self.start_json("leech", [bin_path("leech"), self.path("f.torrent"), "-o", self.path("out"),
                                          "--host", "127.0.0.1", "--port", str(free_port()),
                                          "--peer", "127.0.0.1:%d" % seed_port, "--json"])
        port = leech.wait_event("listening")["port"]
        self.assertGreater(port, 0)
        t = leech.wait_event("added", name="f.bin")["id"]
        leech.wait_event("completed", id=t, timeout=60)
        self.assertEqual(leech.wait_event("exit")["code"], 0)
        kinds = [e["event"] for e in leech.events]
        self.assertEqual(kinds[0], "listening")
        self.assertIn("pieces", kinds)
        pieces = sorted(p for e in leech.events if e["event"] == "pieces" for p in e["pieces"])
        self.assertEqual(pieces, list(range(16)))  # every piece reported once


if __name__ == "__main__":
    unittest.main()
