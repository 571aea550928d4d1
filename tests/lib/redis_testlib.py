"""A throwaway redis-server for tests: a free loopback port, no persistence, always killed."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile

import ports

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def installed():
    return os.access(REDIS_SERVER, os.X_OK)


class RedisServer:
    """redis-server as a child process; stop() and start() keep the same port."""

    def __init__(self):
        self.port = ports.free_port()
        self.dir = tempfile.mkdtemp(prefix="shoal-redis-")
        self.proc = None
        self.start()

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ports.wait_port(self.port)

    def stop(self):
        """SIGKILL: the data goes with it (nothing is persisted)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait(timeout=10)

    def pause(self):
        """SIGSTOP: Redis keeps its connections open but answers nothing (a hung server)."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def command(self, *args):
        """One command over RESP; returns the decoded reply (bytes, int, list or None)."""
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(out)
            f = s.makefile("rb")
            return _read_reply(f)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _read_reply(f):
    line = f.readline()
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read_reply(f) for _ in range(n)]
    raise RuntimeError("unexpected RESP reply %r" % line)
