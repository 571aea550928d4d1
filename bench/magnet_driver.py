"""bench/magnet.sh's driver: runs one magnet leech (ours, libtorrent's or aria2's) against a seed on loopback and
prints one JSON line with the times, in seconds from the leech's launch, of: the metadata received, the first
verified piece, the download complete. Also the same from the moment the torrent was added inside the leech
(ours: its "added" event; libtorrent: after add_torrent; aria2: its first log line), which leaves out the process
start (Python and libtorrent's import for libtorrent).

  magnet_driver.py shoal LEECH_BIN LINK OUT_DIR PORT
  magnet_driver.py libtorrent LINK OUT_DIR PORT SEED_PORT
  magnet_driver.py aria2 INFO_HASH OUT_DIR PORT SEED_PORT LOG_FILE

Sources of the times: our leech's --json events (state_changed from "fetching metadata", the first pieces_verified,
completed); libtorrent's alerts (metadata_received_alert, piece_finished_alert, torrent_finished_alert); aria2's
--log at level info (timestamped lines; see ARIA2_MARKS)."""
import datetime
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
from one_peer_tracker import OnePeerTracker  # noqa: E402  (aria2c reads no x.pe)

TIMEOUT = float(os.environ.get("LEECH_TIMEOUT", "300"))

LIBTORRENT_LEECH = r"""
import sys, time
import libtorrent as lt
link, save_path, port, peer_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = lt.session({'listen_interfaces': '127.0.0.1:%d' % port, 'enable_dht': False, 'enable_lsd': False,
                'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True,
                # TCP as our leech and aria2 (libtorrent prefers uTP, which crawls on loopback)
                'enable_outgoing_utp': False, 'enable_incoming_utp': False,
                # plaintext, as our seed speaks it: with encryption enabled libtorrent's first dial tries MSE, our
                # seed closes it and libtorrent dials again a second later (out_enc_policy 2: pe_disabled)
                'out_enc_policy': 2, 'in_enc_policy': 2,
                'alert_mask': lt.alert.category_t.status_notification | lt.alert.category_t.progress_notification |
                              lt.alert.category_t.error_notification})
p = lt.parse_magnet_uri(link)
p.save_path = save_path
t0 = time.time()
h = s.add_torrent(p)
h.connect_peer(('127.0.0.1', peer_port))  # as our leech's x.pe: no wait for a tracker
print('added %.6f' % t0, flush=True)
first_piece = False
deadline = time.time() + float(sys.argv[5])
while time.time() < deadline:
    s.wait_for_alert(100)
    for a in s.pop_alerts():
        now = time.time()
        if isinstance(a, lt.metadata_received_alert):
            print('metadata %.6f' % now, flush=True)
        elif isinstance(a, lt.piece_finished_alert) and not first_piece:
            first_piece = True
            print('piece %.6f' % now, flush=True)
        elif isinstance(a, lt.torrent_finished_alert):
            print('complete %.6f' % now, flush=True)
            sys.exit(0)
sys.exit(1)
"""

# aria2 --log-level=info lines that mark each moment (aria2 1.36 wording): the last ut_metadata piece stored, a
# piece that passed its hash check, the file's download complete (not the in-memory metadata "download").
ARIA2_MARKS = {
    "metadata": re.compile(r"\] Got ut_metadata$"),
    "piece": re.compile(r" - we got new piece\. index=\d+$"),
    "complete": re.compile(r"\] Download complete: (?!\[MEMORY\]\[METADATA\])"),
}
ARIA2_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) ")


def run_lines(cmd, on_line):
    """Runs cmd, calls on_line(line, seconds_since_launch) for each stdout line; returns (exit code, launch time)."""
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    timer = threading.Timer(TIMEOUT, p.kill)
    timer.start()
    try:
        for line in p.stdout:
            on_line(line.strip(), time.time() - t0)
        return p.wait(), t0
    finally:
        timer.cancel()


def shoal(leech, link, out, port):
    times = {}

    def on_line(line, t):
        try:
            e = json.loads(line)
        except ValueError:
            return
        kind = e.get("event")
        if kind == "added":
            times.setdefault("added", t)
        elif kind == "state" and e.get("from") == "fetching metadata":
            times.setdefault("metadata", t)
        elif kind == "pieces":
            times.setdefault("piece", t)
        elif kind == "completed":
            times.setdefault("complete", t)

    code, _ = run_lines([leech, link, "-o", out, "--host", "127.0.0.1", "--port", port, "--json", "--no-dht",
                         "--timeout", "120"], on_line)
    return code, times


def libtorrent(link, out, port, seed_port):
    stamps = {}  # the script's own clock (time.time() at each alert), turned into seconds since launch below

    def on_line(line, t):
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("added", "metadata", "piece", "complete"):
            stamps.setdefault(parts[0], float(parts[1]))

    code, t0 = run_lines(["/usr/bin/python3", "-c", LIBTORRENT_LEECH, link, out, port, seed_port, str(TIMEOUT)],
                         on_line)
    return code, {k: v - t0 for k, v in stamps.items()}


def aria2(info_hash, out, port, seed_port, log):
    tracker = OnePeerTracker(int(seed_port))
    link = "magnet:?xt=urn:btih:%s&tr=%s" % (info_hash, tracker.url)
    opts = ["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--summary-interval=0", "--console-log-level=error", "--file-allocation=none", "--disable-ipv6=true",
            "--seed-time=0", "--bt-save-metadata=false", "--allow-overwrite=true", "--bt-stop-timeout=60",
            "--log=" + log, "--log-level=info", "--dir", out, "--listen-port=" + port]
    try:
        code, t0 = run_lines(["aria2c", *opts, link], lambda line, t: None)
    finally:
        tracker.stop()
    times = {}
    with open(log, errors="replace") as f:
        for line in f:
            m = ARIA2_TIME.match(line)
            if not m:
                continue
            ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp() - t0
            times.setdefault("added", ts)
            for key, pattern in ARIA2_MARKS.items():
                if key not in times and pattern.search(line):
                    times[key] = ts
    return code, times


def main():
    client, args = sys.argv[1], sys.argv[2:]
    code, times = {"shoal": shoal, "libtorrent": libtorrent, "aria2": aria2}[client](*args)
    print(json.dumps({"client": client, "exit": code, **{k: round(v, 4) for k, v in times.items()}}))


if __name__ == "__main__":
    main()
