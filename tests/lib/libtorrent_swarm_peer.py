"""A libtorrent leech for the swarm tests; run it with /usr/bin/python3 (the interpreter with the libtorrent module).

    libtorrent_swarm_peer.py FILE.torrent SAVE_DIR PORT [MAX_SECONDS]

Downloads through the torrent's tracker, prints "libtorrent complete" once it seeds, and goes on seeding. On SIGTERM
(or after MAX_SECONDS, so it never outlives a crashed test) it prints one JSON line "traffic {...}": per connection
the peer id (hex), client, address, payload bytes downloaded from and uploaded to it, plus the torrent's totals.
libtorrent forgets a connection's counters when it closes (seeds drop each other), so they are sampled every 0.1 s
and banked: a connection's figures are at most 0.1 s stale."""
import json
import signal
import sys
import time

import libtorrent as lt


def client_text(client):
    """libtorrent's guess at the client name: bytes or str depending on the binding."""
    return client.decode("utf-8", "replace") if isinstance(client, bytes) else client


class Traffic:
    """Payload bytes per connection (ip, port, peer id), accumulated across samples and reconnections."""

    def __init__(self):
        self.rows = {}

    def sample(self, handle):
        for p in handle.get_peer_info():
            if p.pid.is_all_zeros():
                continue  # no handshake yet: no payload either
            pid = p.pid.to_bytes()
            key = (p.ip[0], p.ip[1], pid)
            row = self.rows.setdefault(key, {"ip": p.ip[0], "port": p.ip[1], "pid": pid.hex(), "client": client_text(p.client),
                                             "banked_down": 0, "banked_up": 0, "down": 0, "up": 0})
            if p.total_download < row["down"] or p.total_upload < row["up"]:
                # The same address and id again: a new connection whose counters start from zero.
                row["banked_down"] += row["down"]
                row["banked_up"] += row["up"]
            row["down"], row["up"] = p.total_download, p.total_upload

    def report(self, status):
        peers = [{"ip": r["ip"], "port": r["port"], "pid": r["pid"], "client": r["client"],
                  "downloaded": r["banked_down"] + r["down"], "uploaded": r["banked_up"] + r["up"]}
                 for r in self.rows.values()]
        return {"peers": peers, "total_payload_download": status.total_payload_download,
                "total_payload_upload": status.total_payload_upload, "is_seeding": status.is_seeding}


def main():
    torrent, save_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    max_seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 300.0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    ses = lt.session({"listen_interfaces": "127.0.0.1:%d" % port, "enable_dht": False, "enable_lsd": False,
                      "enable_upnp": False, "enable_natpmp": False, "allow_multiple_connections_per_ip": True,
                      "alert_mask": lt.alert.category_t.error_notification})
    handle = ses.add_torrent({"ti": lt.torrent_info(torrent), "save_path": save_path})
    traffic = Traffic()
    deadline = time.monotonic() + max_seconds
    announced = False
    while not stop and time.monotonic() < deadline:
        traffic.sample(handle)
        if not announced and handle.status().is_seeding:
            announced = True
            print("libtorrent complete", flush=True)
        time.sleep(0.1)
    traffic.sample(handle)
    print("traffic " + json.dumps(traffic.report(handle.status())), flush=True)


if __name__ == "__main__":
    main()
