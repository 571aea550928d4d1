#!/usr/bin/env python3
"""A userspace wire between two TAP devices: per-direction delay and random loss where the kernel has no netem.

netns.Network(n, relay=True) gives each host a relay instead of a veth pair: the relay process, started in the
bridge namespace, opens two TAP devices (`tN` becomes the host's eth0, `vhN` a port of br0) and copies every
frame from one to the other, releasing it `delay` after it was read and dropping it with probability `loss`.
The queue of each direction is bounded (MAX_QUEUE_BYTES; frames over it are dropped, as a full router would).

Control is line-based on stdin, one reply line each on stdout (the parent waits for it, so a setting is in force
when set() returns):
    egress DELAY_MS LOSS_PCT     host -> bridge  ("ok egress ...")
    ingress DELAY_MS LOSS_PCT    bridge -> host  ("ok ingress ...")
    stats                        "stats egress=FWD/LOST/FULL ingress=FWD/LOST/FULL"
End of stdin (the parent closed it, exited or was killed) ends the relay, so it never outlives its test.

    python3 tap_relay.py HOST_TAP BRIDGE_TAP      (root or CAP_NET_ADMIN; prints "ready" once both exist)
"""
import collections
import errno
import fcntl
import os
import random
import select
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
MAX_QUEUE_BYTES = 4 * 1024 * 1024   # per direction: 1.6 s at 20 Mbit/s, far beyond any delay used here
READ_BATCH = 256                    # frames taken from one device before looking at the other again
FRAME_MAX = 65536
STARTUP_TIMEOUT = 10


def open_tap(name):
    """A non-blocking fd attached to a new TAP device `name` (frames without the packet-info header)."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    except OSError:
        os.close(fd)
        raise
    return fd


class Direction:
    """Frames read from `src`, held for `delay` seconds, then written to `dst`; order is kept (a FIFO)."""

    def __init__(self, name, src, dst):
        self.name, self.src, self.dst = name, src, dst
        self.delay = 0.0
        self.loss = 0.0
        self.queue = collections.deque()
        self.queued_bytes = 0
        self.forwarded = self.lost = self.overflowed = 0

    def take(self, now, rng):
        for _ in range(READ_BATCH):
            try:
                frame = os.read(self.src, FRAME_MAX)
            except BlockingIOError:
                return
            if self.loss and rng.random() < self.loss:
                self.lost += 1
            elif self.queued_bytes + len(frame) > MAX_QUEUE_BYTES:
                self.overflowed += 1
            else:
                self.queue.append((now + self.delay, frame))
                self.queued_bytes += len(frame)

    def release(self, now):
        while self.queue and self.queue[0][0] <= now:
            _, frame = self.queue.popleft()
            self.queued_bytes -= len(frame)
            try:
                os.write(self.dst, frame)
                self.forwarded += 1
            except OSError as e:  # the device's backlog is full or it is going away: a lost frame
                if e.errno not in (errno.EAGAIN, errno.ENOBUFS, errno.EIO, errno.EINVAL):
                    raise
                self.overflowed += 1

    def due(self):
        return self.queue[0][0] if self.queue else None

    def counters(self):
        return "%s=%d/%d/%d" % (self.name, self.forwarded, self.lost, self.overflowed)


def _command(line, directions):
    words = line.split()
    if words == ["stats"]:
        return "stats " + " ".join(d.counters() for d in directions.values())
    if len(words) == 3 and words[0] in directions:
        try:
            delay_ms, loss_pct = float(words[1]), float(words[2])
        except ValueError:
            delay_ms = loss_pct = -1.0
        if 0 <= delay_ms <= 10000 and 0 <= loss_pct <= 100:
            d = directions[words[0]]
            d.delay, d.loss = delay_ms / 1000, loss_pct / 100
            return "ok %s delay %g ms loss %g %%" % (d.name, delay_ms, loss_pct)
    return "error: bad command %r (want `egress|ingress DELAY_MS LOSS_PCT` with 0..10000 ms, 0..100 %%, or `stats`)" \
        % line


def relay(host_tap, bridge_tap, control=0, out=sys.stdout):
    """Runs until `control` (a readable fd) reaches its end."""
    host = open_tap(host_tap)
    bridge = open_tap(bridge_tap)
    directions = {"egress": Direction("egress", host, bridge), "ingress": Direction("ingress", bridge, host)}
    by_src = {d.src: d for d in directions.values()}
    rng = random.Random()
    print("ready", file=out, flush=True)
    poller = select.epoll()
    for fd in (host, bridge, control):
        poller.register(fd, select.EPOLLIN)
    pending = b""
    while True:
        dues = [t for t in (d.due() for d in directions.values()) if t is not None]
        timeout = max(0.0, min(dues) - time.monotonic()) if dues else -1
        events = poller.poll(timeout)
        now = time.monotonic()
        for fd, _ in events:
            if fd == control:
                chunk = os.read(control, 4096)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    print(_command(line.decode(errors="replace"), directions), file=out, flush=True)
            else:
                by_src[fd].take(now, rng)
        now = time.monotonic()
        for d in directions.values():
            d.release(now)


class RelayProcess:
    """The parent's handle on a relay started in namespace `namespace` (None: the current one)."""

    def __init__(self, host_tap, bridge_tap, namespace=None):
        argv = [sys.executable, os.path.abspath(__file__), host_tap, bridge_tap]
        if namespace:
            argv = ["ip", "netns", "exec", namespace, *argv]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self._reply(STARTUP_TIMEOUT)
        if line != "ready":
            err = self.stop()
            raise OSError("TAP relay %s<->%s did not start: %s" % (host_tap, bridge_tap, line or err or "no reply"))

    def _reply(self, timeout):
        if not select.select([self.proc.stdout], [], [], timeout)[0]:
            return None
        return self.proc.stdout.readline().strip()

    def send(self, line, timeout=10):
        """One command; returns the relay's reply line, raises OSError if it gives none or an error."""
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError) as e:
            raise OSError("TAP relay is gone (%s)" % e)
        reply = self._reply(timeout)
        if not reply or reply.startswith("error"):
            raise OSError("TAP relay refused %r: %s" % (line, reply or "no reply"))
        return reply

    def set(self, direction, delay_ms=0, loss_pct=0):
        return self.send("%s %g %g" % (direction, delay_ms, loss_pct))

    def stats(self):
        """{"egress": (forwarded, lost, overflowed), "ingress": (...)}"""
        out = {}
        for word in self.send("stats").split()[1:]:
            name, counts = word.split("=")
            out[name] = tuple(int(c) for c in counts.split("/"))
        return out

    def stop(self):
        """Closes its stdin (it exits), kills it if it lingers; returns what it wrote to stderr. Its TAP devices
        vanish with it."""
        if self.proc.stdout.closed:
            return ""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        err = self.proc.stderr.read().strip()
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()
        return err


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    try:
        relay(argv[0], argv[1])
    except OSError as e:
        print("error: %s" % e, flush=True)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
