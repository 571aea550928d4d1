"""An HTTP tracker that names one peer to everybody, whatever the announce says. aria2c announces left=0 before it
has the metadata of a magnet, and a real tracker (ours included) withholds seeds from a peer that says it is
complete; aria2c reads no x.pe and has no --peer. So this stands in for the tracker where aria2c must reach our seed
(tests/interop/test_magnet_interop.py, bench/magnet.sh). Stdlib only."""
import http.server
import socket
import struct
import threading


class OnePeerTracker:
    """Serves on a free loopback port until stop(); `url` is its announce URL."""

    def __init__(self, peer_port):
        peers = socket.inet_aton("127.0.0.1") + struct.pack(">H", peer_port)
        reply = b"d8:intervali2e5:peers6:" + peers + b"e"

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/announce" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
