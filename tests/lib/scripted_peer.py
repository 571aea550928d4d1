"""The listening half of the scripted peers in tests/lib: a socket on HOST:PORT, a thread per accepted
connection running the subclass's `_serve(conn)`, and a stop() that ends them all."""
import socket
import threading


class ScriptedPeer:
    def __init__(self, host="127.0.0.1", port=0, conn_timeout=60):
        self.host = host
        self._conn_timeout = conn_timeout
        self._listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads = []
        self._conns = set()
        self._lock = threading.Lock()

    def _serve(self, conn):
        raise NotImplementedError

    def start(self):
        t = threading.Thread(target=self._accept_loop, name=type(self).__name__ + "-accept", daemon=True)
        t.start()
        self._threads.append(t)
        return self.port

    def stop(self):
        self._stop.set()
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            for c in list(self._conns):
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _accept_loop(self):
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(self._conn_timeout)
            with self._lock:
                self._conns.add(conn)
            t = threading.Thread(target=self._run, args=(conn,), name=type(self).__name__ + "-conn", daemon=True)
            t.start()
            self._threads = [x for x in self._threads if x.is_alive()] + [t]

    def _run(self, conn):
        try:
            self._serve(conn)
        except (OSError, ConnectionError):
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            conn.close()
