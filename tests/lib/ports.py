"""Free loopback ports and waiting for a listener: shared by every Python test helper."""
import socket
import time


def free_port(family=socket.AF_INET):
    """A port nothing listens on right now (the kernel's pick for a bind to port 0)."""
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        return s.getsockname()[1]


def free_tcp_udp_port(host="127.0.0.1"):
    """A port free for both TCP and UDP on `host` (trackers serve both on one number)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(50):
        with socket.socket(family, socket.SOCK_STREAM) as t:
            t.bind((host, 0))
            port = t.getsockname()[1]
            with socket.socket(family, socket.SOCK_DGRAM) as u:
                try:
                    u.bind((host, port))
                    return port
                except OSError:
                    continue
    raise RuntimeError("no port free for both TCP and UDP")


def wait_port(port, timeout=10.0, host="127.0.0.1"):
    """Returns once a TCP connect to host:port succeeds; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("nothing listens on %s:%d after %s s" % (host, port, timeout))
