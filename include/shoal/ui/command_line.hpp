#pragma once
// What every tool's command line shares: --version, one-line usage errors with exit status 2,
// and the checks of numbers, rates, sizes, ports and URLs (see docs/cli.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shoal/util/option_value.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace shoal::ui {

inline constexpr int usage_error_status = 2;

// Adds --version ("TOOL VERSION") and a --help footer with the rules every tool shares (exit
// statuses, size suffixes), after the tool's own rules (`tool_rules`, if any). Call before adding the
// tool's own options.
void prepare_command_line(CLI::App& app, const std::string& tool, const std::string& tool_rules = {});

// Parses argv. nullopt: go on. Otherwise the tool exits with the returned status: 0 after
// --help or --version (printed on stdout), 2 after a usage error, said in one line on stderr
// ("TOOL: usage error: --flag: value 'V' is ... (allowed: ...) (see TOOL --help)").
std::optional<int> parse_command_line(CLI::App& app, const std::string& tool, int argc, const char* const* argv);

// Each check refuses a value outside the flag's range, then hands CLI11 the plain number
// (so "2M" reaches an integer option as 2097152). They return `option` for chaining.
CLI::Option* check_integer(CLI::Option* option, integer_range range);
CLI::Option* check_number(CLI::Option* option, number_range range);
// Bytes per second: 0 = unlimited, up to 1T, suffixes K, M, G, T.
CLI::Option* check_rate(CLI::Option* option);
// A TCP/UDP port; `zero_means` (e.g. "any free port") admits 0 when the tool can use it.
CLI::Option* check_port(CLI::Option* option, const std::string& zero_means = {});
// A URL with one of `schemes` ("http", "https", "udp"); with `commas_join`, every
// comma-separated part must be one.
// --dht-port, --dht-bootstrap (repeatable HOST:PORT) and --no-dht, as seed and leech share them.
void add_dht_options(CLI::App& app, std::uint16_t& port, std::vector<std::string>& bootstrap, bool& off);
CLI::Option* check_urls(CLI::Option* option, std::vector<std::string> schemes, bool commas_join = false);

}  // namespace shoal::ui
