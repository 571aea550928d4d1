#!/usr/bin/env python3
"""N virtual hosts on one machine, built from Linux network namespaces, for swarm tests.

Topology: a namespace of its own holds a bridge `br0`; each host is a namespace `shoal-<random>-hN` with an
`eth0` (one end of a veth pair; the other end is on the bridge) addressed 10.77.0.N/24. Addresses exist only
inside those namespaces: nothing is added to the machine's own network, and traffic never leaves them.

    import netns
    reason = netns.unsupported_reason()      # None when namespaces can be made; else why (tests skip)
    with netns.Network(3) as net:            # torn down on exit, on exceptions too, and at interpreter exit
        net.hosts[0].address                 # "10.77.0.1"
        net.hosts[1].run(["ping", "-c1", net.hosts[0].address])
        proc = net.hosts[2].popen([...])     # killed at teardown if still running
        shaped = net.shape(1, rate_kbit=8000, delay_ms=50, loss_pct=1)
        shaped.missing                       # what could not be applied (e.g. no netem: delay and loss)
        net.hosts[0].rtt_ms(net.hosts[1].address, count=5)   # ICMP round trips in ms (None: lost)
    netns.Network(2, relay=True)             # each eth0 is a TAP fed by a userspace relay (tests/lib/tap_relay.py)
                                             # that makes delay and loss where netem is missing; net.relay_reason
                                             # says why a host fell back to a plain veth pair

CLI: python3 tests/lib/netns.py check | selfcheck [--hosts N] | echo ADDRESS | rtt ADDRESS [--count N]
(needs root or CAP_NET_ADMIN)
"""
import atexit
import os
import secrets
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

import tap_relay

SUBNET = "10.77.0"
CAP_NET_ADMIN = 12
COMMAND_TIMEOUT = 20
_live_networks = set()


class NetnsError(RuntimeError):
    pass


def _ip(*args, check=True):
    cmd = ["ip", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    if check and r.returncode != 0:
        raise NetnsError("`%s` failed (exit %d): %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r


def _has_cap_net_admin():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> CAP_NET_ADMIN & 1)
    except OSError:
        pass
    return os.geteuid() == 0


def unsupported_reason():
    """None if network namespaces, veth pairs and bridges can be made here; otherwise a sentence saying why."""
    if sys.platform != "linux":
        return "network namespaces need Linux (this is %s)" % sys.platform
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is not installed"
    if not _has_cap_net_admin():
        return "creating network namespaces needs root or CAP_NET_ADMIN (running as uid %d)" % os.geteuid()
    probe = "shoal-probe-" + secrets.token_hex(4)
    try:
        _ip("netns", "add", probe)
        try:
            _ip("-n", probe, "link", "add", "p0", "type", "veth", "peer", "name", "p1")
            _ip("-n", probe, "link", "add", "b0", "type", "bridge")
        finally:
            _ip("netns", "del", probe, check=False)
    except (NetnsError, OSError, subprocess.TimeoutExpired) as e:
        return "cannot build namespaces here: %s" % e
    return None


class ShapeResult:
    """What shape() managed to apply, and what it could not (with why)."""

    def __init__(self, qdisc, applied, missing, message):
        self.qdisc = qdisc          # "netem", "tbf" or None
        self.applied = applied      # e.g. ["rate", "delay", "loss"]
        self.missing = missing      # asked for but not applied
        self.message = message

    def __repr__(self):
        return "ShapeResult(%s)" % self.message


class Host:
    def __init__(self, network, index, namespace, address):
        self.network = network
        self.index = index            # 1-based, as in the address
        self.namespace = namespace
        self.address = address
        self.interface = "eth0"
        self.relay = None             # a tap_relay.RelayProcess when eth0 is a TAP behind a relay

    def command(self, argv):
        """The argv that runs `argv` inside this host."""
        return ["ip", "netns", "exec", self.namespace, *argv]

    def run(self, argv, timeout=60, **kwargs):
        kwargs.setdefault("capture_output", True)
        kwargs.setdefault("text", True)
        return subprocess.run(self.command(argv), timeout=timeout, **kwargs)

    def popen(self, argv, **kwargs):
        proc = subprocess.Popen(self.command(argv), **kwargs)
        self.network._processes.append(proc)
        return proc

    def ping(self, address, count=1, timeout_s=5):
        """ICMP echo from this host; uses `ping` when installed, else a raw-socket echo in Python (we are root)."""
        if shutil.which("ping"):
            argv = ["ping", "-n", "-q", "-c", str(count), "-W", str(timeout_s), address]
        else:
            argv = [sys.executable, os.path.abspath(__file__), "echo", address, "--count", str(count),
                    "--timeout", str(timeout_s)]
        return self.run(argv, timeout=timeout_s * count + 10).returncode == 0

    def rtt_ms(self, address, count=5, timeout_s=2):
        """Round-trip times in ms of `count` ICMP echoes from this host (None for each one lost)."""
        argv = [sys.executable, os.path.abspath(__file__), "rtt", address, "--count", str(count),
                "--timeout", str(timeout_s)]
        r = self.run(argv, timeout=timeout_s * count + 10)
        if r.returncode != 0:
            raise NetnsError("rtt from %s to %s failed: %s" % (self, address, r.stderr.strip()))
        return [None if w == "lost" else float(w) for w in r.stdout.split()]

    def __repr__(self):
        return "Host(%s, %s)" % (self.namespace, self.address)


class Network:
    def __init__(self, hosts=3, subnet=SUBNET, relay=False):
        if not 1 <= hosts <= 253:
            raise ValueError("between 1 and 253 hosts (got %d)" % hosts)
        self.prefix = "shoal-" + secrets.token_hex(3)
        self.subnet = subnet
        self.bridge_namespace = self.prefix + "-br"
        self.hosts = [Host(self, i, "%s-h%d" % (self.prefix, i), "%s.%d" % (subnet, i)) for i in range(1, hosts + 1)]
        self._created = []
        self._processes = []
        self.relay = relay
        self.relay_reason = None      # why relay=True fell back to veth pairs (no /dev/net/tun, ...)
        self._up = False

    # -- lifecycle --------------------------------------------------------------------------------------------
    def up(self):
        """Builds the namespaces; on any failure removes what was made and raises NetnsError."""
        if self._up:
            return self
        _live_networks.add(self)
        try:
            self._add_namespace(self.bridge_namespace)
            br = self.bridge_namespace
            _ip("-n", br, "link", "set", "lo", "up")
            _ip("-n", br, "link", "add", "br0", "type", "bridge")
            _ip("-n", br, "link", "set", "br0", "up")
            for h in self.hosts:
                self._add_namespace(h.namespace)
                port = "vh%d" % h.index
                if not (self.relay and self.relay_reason is None and self._attach_relay(h, port)):
                    _ip("-n", br, "link", "add", port, "type", "veth", "peer", "name", h.interface,
                        "netns", h.namespace)
                _ip("-n", br, "link", "set", port, "master", "br0", "up")
                _ip("-n", h.namespace, "link", "set", "lo", "up")
                _ip("-n", h.namespace, "addr", "add", h.address + "/24", "dev", h.interface)
                _ip("-n", h.namespace, "link", "set", h.interface, "up")
            self._up = True
        except BaseException:
            self.down()
            raise
        return self

    def down(self):
        """Kills what was started in the hosts and deletes every namespace made. Safe to call twice."""
        for proc in self._processes:
            if proc.poll() is None:
                proc.kill()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        self._processes.clear()
        for h in self.hosts:
            if h.relay is not None:
                h.relay.stop()
                h.relay = None
        for ns in reversed(self._created):
            self._kill_leftovers(ns)
            _ip("netns", "del", ns, check=False)
        self._created.clear()
        self._up = False
        _live_networks.discard(self)

    def __enter__(self):
        return self.up()

    def __exit__(self, *exc):
        self.down()

    def _add_namespace(self, name):
        _ip("netns", "add", name)
        self._created.append(name)

    def _attach_relay(self, h, port):
        """Two TAP devices made by a relay in the bridge namespace: `tN` moves into the host as its eth0, `port`
        stays for the bridge. False (with relay_reason set) where TAP devices cannot be made: the caller then
        builds the usual veth pair."""
        if not os.path.exists("/dev/net/tun"):
            self.relay_reason = "no /dev/net/tun (kernel without CONFIG_TUN?)"
            return False
        host_tap = "t%d" % h.index
        try:
            h.relay = tap_relay.RelayProcess(host_tap, port, namespace=self.bridge_namespace)
        except OSError as e:
            self.relay_reason = str(e)
            return False
        _ip("-n", self.bridge_namespace, "link", "set", host_tap, "netns", h.namespace)
        _ip("-n", h.namespace, "link", "set", host_tap, "name", h.interface)
        return True

    @staticmethod
    def _kill_leftovers(ns):
        # Processes a test started with `ip netns exec` directly (not via popen) would keep the namespace alive.
        r = _ip("netns", "pids", ns, check=False)
        for pid in r.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass

    # -- link shaping -----------------------------------------------------------------------------------------
    def shape(self, host_index, rate_kbit=None, delay_ms=None, loss_pct=None):
        """Shapes the host's egress (eth0). Tries netem (rate, delay, loss); where netem is missing from the kernel,
        falls back to tbf for the rate, and for delay and loss to the host's TAP relay (Network(relay=True)), else
        to nftables (a random drop rule on the bridge port) for the loss; what is still missing (delay, without
        netem or relay) is reported in `missing`. Raises NetnsError if nothing asked for could be applied."""
        h = self.hosts[host_index - 1]
        wanted = [k for k, v in (("rate", rate_kbit), ("delay", delay_ms), ("loss", loss_pct)) if v is not None]
        if not wanted:
            return ShapeResult(None, [], [], "nothing asked")
        tc = ["tc", "qdisc", "replace", "dev", h.interface, "root"]
        netem = ["netem"]
        if delay_ms is not None:
            netem += ["delay", "%gms" % delay_ms]
        if loss_pct is not None:
            netem += ["loss", "%g%%" % loss_pct]
        if rate_kbit is not None:
            netem += ["rate", "%dkbit" % rate_kbit]
        r = h.run(tc + netem, timeout=COMMAND_TIMEOUT)
        if r.returncode == 0:
            return ShapeResult("netem", wanted, [], "netem on %s: %s" % (h.namespace, " ".join(netem[1:])))
        netem_error = r.stderr.strip() or "exit %d" % r.returncode
        applied, notes, qdisc = [], [], None
        if rate_kbit is not None:
            # tbf: burst must hold at least one MTU-sized packet; latency bounds the queue.
            burst = max(1600, rate_kbit * 1000 // 8 // 100)
            r = h.run(tc + ["tbf", "rate", "%dkbit" % rate_kbit, "burst", str(burst), "latency", "200ms"],
                      timeout=COMMAND_TIMEOUT)
            if r.returncode != 0:
                raise NetnsError("neither netem (%s) nor tbf (%s) works here" % (netem_error, r.stderr.strip()))
            applied.append("rate")
            qdisc = "tbf"
            notes.append("tbf rate %d kbit" % rate_kbit)
        if h.relay is not None and (delay_ms is not None or loss_pct is not None):
            try:
                h.relay.set("egress", delay_ms or 0, loss_pct or 0)
                applied += [k for k, v in (("delay", delay_ms), ("loss", loss_pct)) if v is not None]
                notes.append("TAP relay delays frames from the host %g ms and drops %g%%" % (delay_ms or 0,
                                                                                               loss_pct or 0))
            except OSError as e:
                notes.append("TAP relay failed (%s)" % e)
        if loss_pct is not None and "loss" not in applied:
            why = self._drop_randomly(h, loss_pct)
            if why is None:
                applied.append("loss")
                notes.append("nftables on the bridge drops %g%% of its frames" % loss_pct)
            else:
                notes.append("no nftables loss (%s)" % why)
        missing = [k for k in wanted if k not in applied]
        if not applied:
            raise NetnsError("netem is not available in this kernel (%s): %s cannot be made"
                             % (netem_error, " and ".join(missing)))
        message = "on %s: %s" % (h.namespace, "; ".join(notes))
        if missing:
            why = "no TAP relay: %s" % self.relay_reason if self.relay else "no TAP relay (Network(relay=True))"
            message += "; netem unavailable (%s), %s: %s NOT applied" % (netem_error, why, " and ".join(missing))
        return ShapeResult(qdisc, applied, missing, message)

    def _drop_randomly(self, h, loss_pct):
        """Random loss on the host's egress without netem: an nftables rule on the bridge (in its namespace) drops
        that share of the frames the host sends, as a lossy wire would (the sender never learns of it). None when
        it is in place, else why not."""
        if shutil.which("nft") is None:
            return "the nft command (nftables) is not installed"
        table = "shoal_loss_h%d" % h.index
        ruleset = ("table bridge %s {\n chain lossy {\n  type filter hook forward priority 0; policy accept;\n"
                   "  iifname \"vh%d\" numgen random mod 100000 < %d drop\n }\n}\n"
                   % (table, h.index, int(round(loss_pct * 1000))))
        r = subprocess.run(["ip", "netns", "exec", self.bridge_namespace, "nft", "-f", "-"], input=ruleset,
                           capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
        return None if r.returncode == 0 else (r.stderr.strip() or "exit %d" % r.returncode)

    def unshape(self, host_index):
        h = self.hosts[host_index - 1]
        h.run(["tc", "qdisc", "del", "dev", h.interface, "root"], timeout=COMMAND_TIMEOUT)
        if h.relay is not None:
            h.relay.set("egress", 0, 0)
        if shutil.which("nft") is not None:
            subprocess.run(["ip", "netns", "exec", self.bridge_namespace, "nft", "delete", "table", "bridge",
                            "shoal_loss_h%d" % h.index], capture_output=True, timeout=COMMAND_TIMEOUT)


@atexit.register
def _teardown_all():
    for net in list(_live_networks):
        net.down()


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def icmp_rtts(address, count=1, timeout_s=5, stop_at_loss=False):
    """Round-trip times in seconds of `count` ICMP echo requests to `address`, None for each unanswered one
    (raw socket: needs root or CAP_NET_RAW)."""
    ident = os.getpid() & 0xFFFF
    rtts = []
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as s:
        for seq in range(1, count + 1):
            payload = b"shoal-netns-echo"
            header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            sent = time.monotonic()
            s.sendto(struct.pack("!BBHHH", 8, 0, _checksum(header + payload), ident, seq) + payload, (address, 0))
            rtts.append(_await_reply(s, address, ident, seq, sent + timeout_s))
            if rtts[-1] is not None:
                rtts[-1] -= sent
            elif stop_at_loss:
                break
    return rtts


def _await_reply(s, address, ident, seq, deadline):
    """The arrival time of the echo reply (ident, seq) from `address`, None if none came before `deadline`."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            return None
        packet, (source, _) = s.recvfrom(2048)
        arrived = time.monotonic()
        icmp = packet[(packet[0] & 0x0F) * 4:]  # skip the IP header
        if source == address and len(icmp) >= 8 and icmp[0] == 0 and struct.unpack("!HH", icmp[4:8]) == (ident, seq):
            return arrived


def icmp_echo(address, count=1, timeout_s=5):
    """True if `address` answers all of `count` ICMP echo requests."""
    rtts = icmp_rtts(address, count, timeout_s, stop_at_loss=True)
    return len(rtts) == count and None not in rtts


def _selfcheck(n):
    reason = unsupported_reason()
    if reason:
        print("netns unavailable: " + reason)
        return 77  # the conventional "skipped" exit code
    with Network(n, relay=True) as net:
        print("up: %s%s" % (", ".join(repr(h) for h in net.hosts),
                            "" if net.relay_reason is None else " (no TAP relay: %s)" % net.relay_reason))
        for a in net.hosts:
            for b in net.hosts:
                if a is not b and not a.ping(b.address):
                    print("FAIL: %s cannot ping %s" % (a, b.address))
                    return 1
        print("ping: every host reaches every other")
        shaped = net.shape(1, rate_kbit=8000, delay_ms=20, loss_pct=0.5)
        print("shape: %s" % shaped.message)
        if n > 1:
            print("RTT after shaping: %s ms" % net.hosts[0].rtt_ms(net.hosts[1].address, count=3))
        names = [h.namespace for h in net.hosts] + [net.bridge_namespace]
    left = [ns for ns in names if ns in _ip("netns", "list").stdout]
    if left:
        print("FAIL: namespaces left behind: %s" % left)
        return 1
    print("down: all namespaces removed")
    return 0


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description="virtual hosts from network namespaces")
    ap.add_argument("action", choices=["check", "selfcheck", "echo", "rtt"])
    ap.add_argument("address", nargs="?", help="for echo and rtt: the address to ping")
    ap.add_argument("--hosts", type=int, default=3)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=5)
    args = ap.parse_args(argv)
    if args.action == "echo":
        return 0 if icmp_echo(args.address, args.count, args.timeout) else 1
    if args.action == "rtt":  # one line per echo: milliseconds, or "lost"
        for rtt in icmp_rtts(args.address, args.count, args.timeout):
            print("lost" if rtt is None else "%.3f" % (rtt * 1000))
        return 0
    if args.action == "check":
        reason = unsupported_reason()
        print("netns available" if reason is None else "netns unavailable: " + reason)
        return 0 if reason is None else 77
    return _selfcheck(args.hosts)


if __name__ == "__main__":
    sys.exit(main())
