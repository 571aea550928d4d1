#pragma once
// The command-line options seed and leech share, declared once so that their names, ranges and help agree.
#include "shoal/cmd/run.hpp"

namespace CLI {
class App;
}

namespace shoal::cmd {

// --host, the connection and upload limits, --hash-threads, --json, --control and the DHT options. The defaults
// shown in --help are the values cfg holds when this is called (seed and leech differ in --upload-slots).
void add_peer_process_options(CLI::App& app, peer_process_config& cfg);

}  // namespace shoal::cmd
