"""Several hosts (issue 5): tracker, seed and two leeches each on a host of its own, built from network namespaces
(tests/lib/netns.py: a bridge, addresses 10.77.0.1-4), every link shaped with 20 ms delay, 0.5 % loss and a rate
cap: by netem where the kernel has it, else by tbf for the rate and the TAP relay (tests/lib/tap_relay.py, each host's
eth0 a TAP device behind a userspace wire) for delay and loss. The test prints what was applied, and says what was
not where neither netem nor TAP devices exist.
Both leeches complete byte-identical; the tracker hands out the hosts' real addresses with their announced ports,
and the leeches' logs show data from the seed's host and between the two leech hosts.
Skips with the reason where namespaces cannot be made (not root, no CAP_NET_ADMIN, no iproute2)."""
import os
import re
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import netns  # noqa: E402
from hosts_testcase import HostsTestCase  # noqa: E402
from swarm_testlib import (bin_path, log_text, make_torrent, same_file, wait_exit,  # noqa: E402
                           wait_for_log, write_random_file)

REASON = netns.unsupported_reason()
MiB = 1024 * 1024
SIZE = 4 * MiB + 12345            # a short last piece too
PIECE = 32 * 1024                 # 129 pieces: plenty to trade
# Fixed ports, as on real machines: each host is a namespace of its own, where nothing else can listen.
TRACKER_PORT = 6969
SEED_PORT = 6881
LEECH_PORTS = (6883, 6884)        # distinct, so a host/port mix-up in the peer list would show
LINK_KBIT = 20000                 # 2.5 MB/s per host: above what the seed's cap lets through
SEED_RATE = 500000                # bytes/s for the torrent: the seed alone would need ~17 s for both copies
STATS = re.compile(r"stats at exit: downloaded (\d+) bytes, uploaded (\d+) bytes")


def gone_lines(text):
    """{(peer ip, peer port): (bytes got from it, bytes sent to it)} from the leech's "peer ... gone" lines."""
    out = {}
    for ip, port, got, sent in re.findall(r"peer (\d+\.\d+\.\d+\.\d+):(\d+) \([^)]*\) gone: got (\d+) bytes from it, "
                                          r"sent (\d+) bytes to it", text):
        old = out.get((ip, int(port)), (0, 0))
        out[(ip, int(port))] = (old[0] + int(got), old[1] + int(sent))
    return out


@unittest.skipIf(REASON is not None, "netns unavailable: %s" % REASON)
class SwarmOnSeveralHosts(HostsTestCase):
    HOSTS = 4
    RELAY = True

    def start_on(self, host, name, argv):
        return self.procs.start(name, host.command([os.path.abspath(bin_path(argv[0])), *argv[1:]]))

    def shape_links(self):
        missing = set()
        for h in self.net.hosts:
            shaped = self.net.shape(h.index, rate_kbit=LINK_KBIT, delay_ms=20, loss_pct=0.5)
            missing.update(shaped.missing)
            print("shaping %s: %s" % (h.address, shaped.message), file=sys.stderr)
        if missing:
            print("NOTE: no netem and no TAP relay (%s): %s NOT applied on any link; going on with what could be "
                  "made (see the shaping lines above)" % (self.net.relay_reason, " and ".join(sorted(missing))),
                  file=sys.stderr)
        a, b = self.net.hosts[2:4]
        print("RTT %s -> %s: %s ms" % (a.address, b.address, a.rtt_ms(b.address, count=3)), file=sys.stderr)
        return missing

    def report_relays(self):
        """How many frames each host's relay carried and dropped on purpose (its `loss`) or for lack of room."""
        for h in self.net.hosts:
            if h.relay is not None:
                forwarded, lost, full = h.relay.stats()["egress"]
                print("relay %s egress: %d frames forwarded, %d lost on purpose, %d dropped (full)"
                      % (h.address, forwarded, lost, full), file=sys.stderr)

    def test_tracker_seed_and_two_leeches_on_four_hosts(self):
        tracker_host, seed_host, *leech_hosts = self.net.hosts
        self.shape_links()
        announce = "http://%s:%d/announce" % (tracker_host.address, TRACKER_PORT)
        data = self.path("d", "f.bin")
        write_random_file(data, SIZE, seed=55)
        torrent = self.path("t.torrent")
        make_torrent(data, torrent, PIECE, announce)

        tracker = self.start_on(tracker_host, "tracker", ["tracker", "--host", "0.0.0.0", "--port", str(TRACKER_PORT),
                                                          "--interval", "2", "--min-interval", "1"])
        wait_for_log(tracker, r"tracker listening on 0\.0\.0\.0:%d" % TRACKER_PORT, 20)
        seed = self.start_on(seed_host, "seed", ["seed", torrent, "--data", data, "--host", "0.0.0.0",
                                                 "--port", str(SEED_PORT), "--max-upload-rate", str(SEED_RATE)])
        wait_for_log(seed, r"listening on 0\.0\.0\.0:%d" % SEED_PORT, 30)
        leeches = [self.start_on(h, "leech%d" % h.index, ["leech", torrent, "-o", self.path("out%d" % h.index),
                                                          "--host", "0.0.0.0", "--port", str(port), "--timeout", "60",
                                                          "--seed"])
                   for h, port in zip(leech_hosts, LEECH_PORTS)]
        for p in leeches:
            wait_for_log(p, r"complete: %d bytes verified" % SIZE, 120)

        self.check_tracker_hands_out_real_addresses(tracker_host)

        for p in leeches:
            p.send_signal(signal.SIGTERM)
        stats = []
        for h, p in zip(leech_hosts, leeches):
            self.assertEqual(wait_exit(p, 20), 0, log_text(p))
            self.assertTrue(same_file(data, self.path("out%d" % h.index, "f.bin")), "%s: data differs" % p.name)
            m = STATS.search(log_text(p))
            self.assertIsNotNone(m, log_text(p)[-3000:])
            stats.append((int(m.group(1)), int(m.group(2))))
        self.check_traffic_by_host(seed_host, leech_hosts, leeches)
        # Some pieces went leech to leech: the capped seed did not send every copy itself.
        self.assertGreater(sum(up for _, up in stats), 0, stats)
        seed.send_signal(signal.SIGTERM)
        self.assertEqual(wait_exit(seed, 20), 0, log_text(seed))
        self.report_relays()

    def check_tracker_hands_out_real_addresses(self, tracker_host):
        """An announce from the tracker's own host (an address no swarm member has) lists every member by the
        address its namespace really has and the port it announced."""
        torrent = self.path("t.torrent")
        observer = ["announce", torrent, "--peer-id", "-OB0001-observer0000", "--port", "7000", "--left", "1",
                    "--numwant", "50", "--timeout", "10"]
        r = tracker_host.run([os.path.abspath(bin_path("announce")), *observer[1:]], timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        peers = set(r.stdout.split())
        expected = {"%s:%d" % (h.address, port) for h, port in
                    zip(self.net.hosts[1:], (SEED_PORT,) + LEECH_PORTS)}
        self.assertEqual(peers, expected, "tracker reply: %r" % r.stdout)
        # Leave the swarm again so nobody keeps trying 10.77.0.1:7000.
        tracker_host.run([os.path.abspath(bin_path("announce")), *observer[1:], "--event", "stopped"], timeout=30)

    def check_traffic_by_host(self, seed_host, leech_hosts, leeches):
        """At shutdown each leech logs, per peer with traffic, what it got and sent: the seed's host sent data to
        both (over the connection the leech dialled to the seed's port, or the one the seed dialled from a port of
        its own: seeds dial out too); the two leech hosts exchanged data (in one direction at least)."""
        seen = [gone_lines(log_text(p)) for p in leeches]
        for p, peers in zip(leeches, seen):
            got = sum(got for (ip, _), (got, _) in peers.items() if ip == seed_host.address)
            self.assertGreater(got, 0, "%s got nothing from the seed at %s; peers %r"
                               % (p.name, seed_host.address, peers))
            self.assertFalse([ip for ip, _ in peers if not ip.startswith(netns.SUBNET + ".")],
                             "%s saw peers outside the hosts' subnet: %r" % (p.name, peers))
        between = 0
        for i, peers in enumerate(seen):
            other = leech_hosts[1 - i].address
            between += sum(got + sent for (ip, _), (got, sent) in peers.items() if ip == other)
        self.assertGreater(between, 0, "no traffic between %s and %s: %r"
                           % (leech_hosts[0].address, leech_hosts[1].address, seen))


if __name__ == "__main__":
    unittest.main()
