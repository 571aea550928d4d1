#include "shoal/ui/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

namespace shoal::ui {

void add_log_level_option(CLI::App& app, std::string& level) {
  app.add_option("--log-level", level, "trace, debug, info, warn, error or off")
      ->check(CLI::Validator(
          [](std::string& name) -> std::string {
            for (const char* known : {"trace", "debug", "info", "warn", "error", "critical", "off"})
              if (name == known) return {};
            return "value '" + name + "' is not a level (allowed: trace, debug, info, warn, error, critical, off)";
          },
          ""))
      ->type_name("LEVEL")
      ->capture_default_str();
}

bool setup_logging(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    std::fprintf(stderr, "error: unknown log level '%s'\n", level.c_str());
    return false;
  }
  auto logger = spdlog::stderr_color_mt("shoal");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
  return true;
}

}  // namespace shoal::ui
