#pragma once
// The seed and leech commands behind their command lines (the apps only parse options and call these).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace shoal::cmd {

// What seed and leech share: the listening address, per-torrent limits and the process-wide ones.
struct peer_process_config {
  std::vector<std::string> torrents;
  std::string host = "0.0.0.0";
  std::uint16_t port = 6881;
  std::size_t max_peers = 50;               // connections per torrent
  std::size_t max_peers_total = 0;          // over every torrent, 0 = unlimited
  std::uint64_t max_upload_rate = 0;        // bytes/s per torrent, 0 = unlimited
  std::uint64_t max_upload_rate_total = 0;  // bytes/s over all torrents of the process, 0 = unlimited
  std::size_t upload_slots = 4;            // peers served at once: swarm::default_upload_slots(leech); seeds 8
  int hash_threads = 2;
  bool json = false;     // --json: one JSON object per event on stdout
  bool no_dht = false;             // --no-dht
  std::uint16_t dht_port = 0;       // --dht-port; 0: the peer port
  std::vector<std::string> dht_bootstrap;  // --dht-bootstrap HOST:PORT; empty: the public routers
  bool control = false;  // --control: JSON commands on stdin; the process ends on "stop", end of input or a signal
};

struct seed_config : peer_process_config {
  seed_config() { upload_slots = 8; }
  std::string data;  // the content (file or folder); empty: the torrent's name in the current folder
  bool super_seed = false;
  double seed_ratio = 0;  // leave once uploaded >= ratio x size; 0 = seed until stopped
};

struct leech_config : peer_process_config {
  std::string output;
  std::vector<std::string> peers;  // HOST:PORT
  std::uint64_t max_download_rate = 0;  // bytes/s per torrent, 0 = unlimited
  std::uint64_t max_download_rate_total = 0;  // bytes/s over all torrents of the process, 0 = unlimited
  bool seed = false;
  double seed_ratio = 0;  // seed after completion until uploaded >= ratio x size; 0 = as --seed says
  int timeout_s = 300;
  bool overwrite = false;  // write into / cut files in the output folder that Shoal did not create
  bool sparse = false;     // do not preallocate (fallocate) the files before downloading
  std::string save_torrent;  // a magnet link's torrent, once learned, is written here (never over another file)
};

int run_seed(const seed_config& cfg);
int run_leech(const leech_config& cfg);

}  // namespace shoal::cmd
