#include "shoal/ui/command_line.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace shoal::ui {

namespace {

constexpr std::int64_t max_rate = std::int64_t{1} << 40;  // 1T bytes/s: far above any link, safe in the limiter's arithmetic

// CLI11 messages may span lines; a usage error is one line.
std::string one_line(std::string text) {
  for (auto& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The help shows TYPE and the allowed values once, after the flag's own description.
CLI::Option* document(CLI::Option* option, const std::string& type, const std::string& allowed) {
  option->type_name(type);
  return option->description(option->get_description() + " (allowed: " + allowed + ")");
}

}  // namespace

void prepare_command_line(CLI::App& app, const std::string& tool, const std::string& tool_rules) {
  app.set_version_flag("--version", tool + " " + SHOAL_VERSION, "print \"" + tool + " VERSION\" and exit");
  app.footer(
      (tool_rules.empty() ? std::string() : tool_rules + "\n") +
      "Sizes and rates: bytes, or with a suffix as aria2c: K = 1024, M = 1024K, G = 1024M, T = 1024G (500K, 2M, 1G).\n"
      "Exit status: 0 done (and after --help, --version), 1 failed, 2 usage error: a bad value gets one line\n"
      "naming the flag, the value and what is allowed. Every flag's range: docs/cli.md.");
}

std::optional<int> parse_command_line(CLI::App& app, const std::string& tool, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << tool << ": usage error: " << one_line(e.what()) << " (see " << tool << " --help)\n";
    return usage_error_status;
  }
}

CLI::Option* check_integer(CLI::Option* option, integer_range range) {
  document(option, range.byte_suffixes ? "SIZE" : "N", describe(range));
  return option->transform(CLI::Validator(
      [range = std::move(range)](std::string& text) -> std::string {
        auto n = parse_integer_value(text, range);
        if (!n) return n.message();
        text = std::to_string(*n);
        return {};
      },
      ""));
}

CLI::Option* check_number(CLI::Option* option, number_range range) {
  document(option, "X", describe(range));
  return option->check(CLI::Validator(
      [range = std::move(range)](std::string& text) -> std::string {
        auto x = parse_number_value(text, range);
        return x ? std::string() : x.message();
      },
      ""));
}

CLI::Option* check_rate(CLI::Option* option) {
  return check_integer(option, integer_range{0, max_rate, "unlimited", "bytes/s", true})->type_name("RATE");
}

CLI::Option* check_port(CLI::Option* option, const std::string& zero_means) {
  return check_integer(option, integer_range{zero_means.empty() ? 1 : 0, 65535, zero_means, "", false})
      ->type_name("PORT");
}

void add_dht_options(CLI::App& app, std::uint16_t& port, std::vector<std::string>& bootstrap, bool& off) {
  check_port(app.add_option("--dht-port", port, "UDP port of the DHT node (BEP 5)"), "the peer port");
  app.add_option("--dht-bootstrap", bootstrap,
                 "HOST:PORT of a DHT node to bootstrap from, router or ordinary (repeatable; default: "
                 "router.bittorrent.com:6881, dht.transmissionbt.com:6881, router.utorrent.com:6881)")
      ->type_name("HOST:PORT")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const auto colon = text.rfind(':');
            if (colon == std::string::npos || colon == 0) return "'" + text + "' is not HOST:PORT";
            const auto port = text.substr(colon + 1);
            if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
                std::stoul(port) == 0 || std::stoul(port) > 65535)
              return "'" + text + "': the port must be 1 to 65535";
            return {};
          },
          ""));
  app.add_flag("--no-dht", off, "run no DHT node (private torrents never use it anyway)");
}

CLI::Option* check_urls(CLI::Option* option, std::vector<std::string> schemes, bool commas_join) {
  document(option, "URL", describe_url(schemes));
  return option->check(CLI::Validator(
      [schemes = std::move(schemes), commas_join](std::string& text) -> std::string {
        std::size_t start = 0;
        do {
          const std::size_t comma = commas_join ? std::min(text.find(',', start), text.size()) : text.size();
          if (auto s = check_url_value(std::string_view(text).substr(start, comma - start), schemes); !s)
            return comma - start == text.size() ? s.message() : "in '" + text + "': " + s.message();
          start = comma + 1;
        } while (start <= text.size());
        return {};
      },
      ""));
}

}  // namespace shoal::ui
