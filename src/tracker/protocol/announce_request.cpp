#include "shoal/tracker/protocol/announce_request.hpp"

#include "shoal/util/url_encode.hpp"

namespace shoal {

std::string_view event_name(announce_event e) {
  switch (e) {
    case announce_event::started: return "started";
    case announce_event::completed: return "completed";
    case announce_event::stopped: return "stopped";
    case announce_event::none: break;
  }
  return {};
}

namespace {

void add_param(std::string& out, std::string_view name, std::string_view raw_value) {
  out.push_back('&');
  out += name;
  out.push_back('=');
  url_encode_to(out, raw_value);
}

void add_number(std::string& out, std::string_view name, std::int64_t n) {
  out.push_back('&');
  out += name;
  out.push_back('=');
  out += std::to_string(n);
}

}  // namespace

std::string build_announce_target(std::string_view announce_url,
                                  const announce_request& req) {
  std::string_view base = announce_url.substr(0, announce_url.find('#'));
  std::string out;
  out.reserve(base.size() + 256);
  out += base;
  if (base.find('?') == std::string_view::npos) {
    out.push_back('?');
  } else if (base.back() != '?' && base.back() != '&') {
    out.push_back('&');
  }
  // Every parameter after the first is written with a leading '&'.
  out += "info_hash=";
  url_encode_to(out, req.info_hash.view());
  add_param(out, "peer_id",
            {reinterpret_cast<const char*>(req.peer_id.data()), req.peer_id.size()});
  add_number(out, "port", req.port);
  add_number(out, "uploaded", req.uploaded);
  add_number(out, "downloaded", req.downloaded);
  add_number(out, "left", req.left);
  add_number(out, "compact", req.compact ? 1 : 0);
  if (req.event != announce_event::none) add_param(out, "event", event_name(req.event));
  if (req.numwant >= 0) add_number(out, "numwant", req.numwant);
  if (!req.key.empty()) add_param(out, "key", req.key);
  if (!req.tracker_id.empty()) add_param(out, "trackerid", req.tracker_id);
  return out;
}

}  // namespace shoal
