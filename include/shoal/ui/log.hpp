#pragma once
// Logging setup shared by every tool: spdlog to stderr, --log-level on every command.
#include <string>

namespace CLI { class App; }

namespace shoal::ui {

// Adds --log-level (trace, debug, info, warn, error, off) bound to `level`.
void add_log_level_option(CLI::App& app, std::string& level);

// Sends spdlog's default logger to stderr at `level`; returns false (and says why on
// stderr) for an unknown level name.
bool setup_logging(const std::string& level);

}  // namespace shoal::ui
