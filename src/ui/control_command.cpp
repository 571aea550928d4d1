// --control commands. Boost.JSON stays in this file.
#include "shoal/ui/control_command.hpp"

#include <array>
#include <utility>

#include <boost/json.hpp>

#include "shoal/util/hex.hpp"
#include "shoal/util/utf8.hpp"

namespace shoal::ui {

namespace json = boost::json;

namespace {

constexpr std::array<std::pair<std::string_view, control_command::kind>, 9> commands{{
    {"add", control_command::kind::add},
    {"remove", control_command::kind::remove},
    {"pause", control_command::kind::pause},
    {"resume", control_command::kind::resume},
    {"verify", control_command::kind::verify},
    {"reannounce", control_command::kind::reannounce},
    {"limits", control_command::kind::limits},
    {"status", control_command::kind::status},
    {"stop", control_command::kind::stop},
}};

result<std::uint64_t> unsigned_field(const json::object& o, std::string_view key, std::uint64_t max) {
  const auto* v = o.if_contains(key);
  const std::string what = "\"" + std::string(key) + "\": expected an integer from 0 to " + std::to_string(max);
  if (v->is_uint64() && v->get_uint64() <= max) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0 && static_cast<std::uint64_t>(v->get_int64()) <= max)
    return static_cast<std::uint64_t>(v->get_int64());
  return error{what};
}

result<bool> bool_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return false;
  if (!v->is_bool()) return error{"\"" + std::string(key) + "\": expected true or false"};
  return v->get_bool();
}

// "id" or "info_hash" names the torrent; every command but add, status and stop needs one.
status read_target(const json::object& o, control_command& c) {
  if (o.contains("id")) {
    auto id = unsigned_field(o, "id", 0xffffffffu);
    if (!id || *id == 0) return error{"\"id\": expected a positive integer"};
    c.id = static_cast<std::uint32_t>(*id);
  }
  if (const auto* h = o.if_contains("info_hash")) {
    sha1_digest d;
    auto raw = h->is_string() ? from_hex(std::string_view(h->get_string())) : std::nullopt;
    if (!raw || !sha1_digest::from_bytes(*raw, d)) return error{"\"info_hash\": expected 40 hex digits"};
    c.info_hash = d;
  }
  const bool needs = c.what != control_command::kind::add && c.what != control_command::kind::stop &&
                     c.what != control_command::kind::status;
  if (needs && !c.id && !c.info_hash) return error{c.name + ": name the torrent with \"id\" or \"info_hash\""};
  return ok();
}

}  // namespace

result<control_command> parse_control_command(std::string_view line) {
  boost::system::error_code ec;
  auto v = json::parse(line, ec);
  if (ec) return error{"not JSON: " + ec.message()};
  if (!v.is_object()) return error{"expected a JSON object"};
  const auto& o = v.get_object();
  const auto* name = o.if_contains("command");
  if (name == nullptr || !name->is_string()) return error{"\"command\": missing (expected a string)"};
  control_command c;
  c.name = std::string(name->get_string());
  bool known = false;
  for (const auto& [text, kind] : commands)
    if (text == c.name) c.what = kind, known = true;
  if (!known) return error{"unknown command \"" + to_valid_utf8(c.name) + "\""};
  if (auto st = read_target(o, c); !st) return st.err();
  switch (c.what) {
    case control_command::kind::add: {
      const auto* f = o.if_contains("torrent");
      if (f == nullptr || !f->is_string() || f->get_string().empty())
        return error{"add: \"torrent\": expected the path of a .torrent file"};
      c.torrent_file = std::string(f->get_string());
      auto p = bool_field(o, "paused");
      if (!p) return p.err();
      c.paused = *p;
      break;
    }
    case control_command::kind::remove: {
      auto d = bool_field(o, "delete_data");
      if (!d) return d.err();
      c.delete_data = *d;
      break;
    }
    case control_command::kind::limits:
      for (auto [key, field] : {std::pair{"download_rate", &c.download_rate}, std::pair{"upload_rate", &c.upload_rate},
                                std::pair{"max_peers", &c.max_peers}}) {
        if (!o.contains(key)) continue;
        auto n = unsigned_field(o, key, key == std::string_view("max_peers") ? 100000 : (std::uint64_t{1} << 50));
        if (!n) return n.err();
        *field = *n;
      }
      if (!c.download_rate && !c.upload_rate && !c.max_peers)
        return error{"limits: give \"download_rate\", \"upload_rate\" or \"max_peers\""};
      break;
    default: break;
  }
  return c;
}

std::string format_reply_json(std::string_view command, bool ok, std::string_view error_text,
                              std::optional<std::uint32_t> id) {
  json::object o;
  o["event"] = "reply";
  o["command"] = json::string(to_valid_utf8(std::string(command)));
  o["ok"] = ok;
  if (id) o["id"] = *id;
  if (!ok) o["error"] = json::string(to_valid_utf8(std::string(error_text)));
  return json::serialize(o);
}

}  // namespace shoal::ui
