"""shoald in tests: start it on free loopback ports, and a Transmission RPC client (the 409 session-id handshake,
Basic auth) over http.client. Shared by the daemon's integration, interop and browser tests."""
import base64
import http.client
import json
import os
import signal
import time

from ports import free_port, wait_port
from swarm_testlib import bin_path


def start_shoald(procs, workdir, name="shoald", extra=(), rpc_port=None, web_root=None, env=None):
    """shoald with its state and downloads under `workdir` (and `env` for its environment, if given); returns
    (process, rpc port) once the RPC listens."""
    rpc_port = rpc_port or free_port()
    cmd = [bin_path("shoald"), "--state-dir", os.path.join(workdir, name + "-state"),
           "--download-dir", os.path.join(workdir, name + "-downloads"), "--rpc-bind", "127.0.0.1",
           "--rpc-port", str(rpc_port), "--peer-port", str(free_port()), "--peer-host", "127.0.0.1",
           "--log-level", "debug"]
    if web_root is not None:
        cmd += ["--web-root", web_root]
    p = procs.start(name, cmd + list(extra), **({"env": env} if env is not None else {}))
    wait_port(rpc_port, 30)
    return p, rpc_port


def stop_shoald(p, timeout=30):
    """SIGTERM, then the exit status (it must stop by itself within `timeout`)."""
    p.send_signal(signal.SIGTERM)
    return p.wait(timeout=timeout)


class RpcError(Exception):
    pass


class RpcClient:
    """One keep-alive connection to shoald's RPC; call() does the 409 handshake like Transmission's clients."""

    def __init__(self, port, host="127.0.0.1", auth=None, path="/transmission/rpc", timeout=30):
        self.port, self.host, self.path, self.timeout = port, host, path, timeout
        self.auth = auth  # (user, password) or None
        self.session_id = None
        self.conn = None

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def raw(self, method, path, body=b"", headers=None):
        """(status, headers dict with lower-case names, body bytes) of one request; reconnects when needed."""
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                hdrs = {k.lower(): v for k, v in r.getheaders()}
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, hdrs, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def post(self, body, extra_headers=None):
        headers = {"Content-Type": "application/json", "Host": "127.0.0.1:%d" % self.port}
        if self.auth:
            token = base64.b64encode(("%s:%s" % self.auth).encode()).decode()
            headers["Authorization"] = "Basic " + token
        if self.session_id:
            headers["X-Transmission-Session-Id"] = self.session_id
        headers.update(extra_headers or {})
        status, hdrs, data = self.raw("POST", self.path, body, headers)
        if status == 409 and "x-transmission-session-id" in hdrs:
            self.session_id = hdrs["x-transmission-session-id"]
            headers["X-Transmission-Session-Id"] = self.session_id
            status, hdrs, data = self.raw("POST", self.path, body, headers)
        return status, hdrs, data

    def request(self, method, arguments=None, tag=None):
        """The whole reply object (result, arguments, tag)."""
        req = {"method": method}
        if arguments is not None:
            req["arguments"] = arguments
        if tag is not None:
            req["tag"] = tag
        status, _, data = self.post(json.dumps(req).encode())
        if status != 200:
            raise RpcError("HTTP %d: %s" % (status, data[:300]))
        return json.loads(data)

    def call(self, method, **arguments):
        """The arguments of a successful reply; RpcError with the result otherwise."""
        reply = self.request(method, {k.replace("_", "-"): v for k, v in arguments.items()})
        if reply.get("result") != "success":
            raise RpcError(reply.get("result"))
        return reply["arguments"]

    def torrents(self, fields, ids=None):
        args = {"fields": fields}
        if ids is not None:
            args["ids"] = ids
        reply = self.request("torrent-get", args)
        assert reply["result"] == "success", reply
        return reply["arguments"]["torrents"]

    def wait_for(self, torrent_id, predicate, timeout, fields=("id", "status", "percentDone", "error", "errorString")):
        """Polls torrent-get until predicate(torrent) holds; returns it (AssertionError after `timeout`)."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            got = self.torrents(list(fields), ids=[torrent_id])
            if got:
                last = got[0]
                if predicate(last):
                    return last
            time.sleep(0.2)
        raise AssertionError("torrent %s: condition not met within %s s; last: %r" % (torrent_id, timeout, last))


def metainfo_b64(torrent_path):
    with open(torrent_path, "rb") as f:
        return base64.b64encode(f.read()).decode()
