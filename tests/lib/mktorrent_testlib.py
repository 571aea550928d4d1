"""Helpers for tests that run mktorrent-lite: make data trees, run the tool, read its output."""
import os
import random
import re
import subprocess

BIN = os.environ.get("SHOAL_BIN", "build/bin")


def write_file(path, size, seed=0):
    """Writes `size` pseudo-random bytes (deterministic per seed) and returns them."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    data = random.Random(seed).randbytes(size)
    with open(path, "wb") as f:
        f.write(data)
    return data


def mktorrent_lite(*args, cwd=None, timeout=120):
    """Runs mktorrent-lite; returns the CompletedProcess (text mode)."""
    return subprocess.run([os.path.join(BIN, "mktorrent-lite"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def printed(proc):
    """(info-hash hex, output path) from a successful run's stdout."""
    hash_match = re.search(r"^info-hash: ([0-9a-f]{40})$", proc.stdout, re.M)
    path_match = re.search(r"^output: (.+)$", proc.stdout, re.M)
    if not hash_match or not path_match:
        raise AssertionError("unexpected mktorrent-lite output: %r / %r" % (proc.stdout, proc.stderr))
    return hash_match.group(1), path_match.group(1)
