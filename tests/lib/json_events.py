"""A seed or leech run with --json --control: its events read from stdout as they come, commands written to
stdin. Stderr (the logs) goes to a file, for the failure messages."""
import json
import os
import queue
import subprocess
import threading
import time


class JsonProcess:
    def __init__(self, name, cmd, workdir):
        self.name = name
        self.log_path = os.path.join(workdir, name + ".log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self.events = []  # every event seen so far, in order
        self._queue = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.decode(errors="replace").strip()
            if not line:
                continue
            try:
                self._queue.put(json.loads(line))
            except ValueError:
                self._queue.put({"event": "not-json", "line": line})
        self._queue.put(None)

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def send(self, **command):
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        self.proc.stdin.flush()

    def wait_for(self, predicate, timeout, what="event"):
        """The first event from now on for which predicate(e) holds. Events already read are not looked at again:
        those it passes over stay in self.events only. (A command's reply is printed before the events it causes,
        which session::emit posts, so `command` then `wait_event` misses none of them.)"""
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("%s: no %s within %s s; events: %s\nlog:\n%s" %
                                     (self.name, what, timeout, self.events[-15:], self.log()[-3000:]))
            try:
                e = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if e is None:
                raise AssertionError("%s: exited (%s) before %s; events: %s\nlog:\n%s" %
                                     (self.name, self.proc.poll(), what, self.events[-15:], self.log()[-3000:]))
            self.events.append(e)
            if e.get("event") == "not-json":
                raise AssertionError("%s: a stdout line is not JSON: %r" % (self.name, e["line"]))
            if predicate(e):
                return e

    def wait_event(self, kind, timeout=30, **fields):
        return self.wait_for(lambda e: e.get("event") == kind and all(e.get(k) == v for k, v in fields.items()),
                             timeout, "%s %s" % (kind, fields))

    def command(self, timeout=30, **command):
        """Sends a command and returns its reply (other events in between are kept in self.events)."""
        self.send(**command)
        return self.wait_event("reply", timeout, command=command["command"])

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except (OSError, ValueError):
                pass
        self._log.close()
