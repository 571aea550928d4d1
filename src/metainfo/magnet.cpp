#include "shoal/metainfo/magnet.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "shoal/util/hex.hpp"
#include "shoal/util/url_encode.hpp"

namespace shoal {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Form decoding: %XX is a byte, '+' a space.
result<std::string> percent_decode(std::string_view name, std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return error{std::string(name) + ": bad percent-escape at offset " + std::to_string(i) + " of the value"};
      out.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    }
  }
  return out;
}

// RFC 4648 base32 (A-Z, 2-7), any case, exactly 32 digits -> 20 bytes.
std::optional<std::string> from_base32(std::string_view text) {
  if (text.size() != 32) return std::nullopt;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a';
    else if (c >= '2' && c <= '7') v = c - '2' + 26;
    else return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

result<sha1_digest> parse_btih(std::string_view hash) {
  std::optional<std::string> raw;
  if (hash.size() == 40) raw = from_hex(hash);
  else if (hash.size() == 32) raw = from_base32(hash);
  else
    return error{"xt: urn:btih: info-hash has " + std::to_string(hash.size()) +
                 " characters, expected 40 hex or 32 base32 digits"};
  sha1_digest d;
  if (!raw || !sha1_digest::from_bytes(*raw, d))
    return error{"xt: urn:btih: info-hash is not valid " + std::string(hash.size() == 40 ? "hex" : "base32")};
  return d;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_';
}

// x.pe=HOST:PORT: a numeric address (IPv4, or IPv6 in brackets) becomes a peer_address; a host name stays text
// (the torrent resolves it).
status add_peer(magnet_link& link, std::string_view text) {
  if (auto a = peer_address::parse(text)) {
    if (a->port == 0) return error{"x.pe: port 0 in \"" + std::string(text) + "\""};
    if (std::find(link.peers.begin(), link.peers.end(), *a) == link.peers.end()) link.peers.push_back(*a);
    return ok();
  }
  if (text.starts_with('[')) return error{"x.pe: \"" + std::string(text) + "\" is not [IPv6]:PORT"};
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return error{"x.pe: \"" + std::string(text) + "\" has no :PORT"};
  std::string_view host = text.substr(0, colon), port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535)
    return error{"x.pe: bad port in \"" + std::string(text) + "\""};
  if (host.empty() || host.size() > 253 || !std::all_of(host.begin(), host.end(), is_host_char))
    return error{"x.pe: \"" + std::string(host) + "\" is neither an IP address nor a host name"};
  std::string kept(text);
  if (std::find(link.peer_hosts.begin(), link.peer_hosts.end(), kept) == link.peer_hosts.end())
    link.peer_hosts.push_back(std::move(kept));
  return ok();
}

struct xt_state {
  std::optional<sha1_digest> btih;
  bool saw_btmh = false;
};

status add_xt(xt_state& xt, std::string_view value) {
  if (istarts_with(value, "urn:btmh:")) {
    xt.saw_btmh = true;
    return ok();
  }
  if (!istarts_with(value, "urn:btih:")) return ok();  // urn:sha1, urn:ed2k ...: other networks
  auto h = parse_btih(value.substr(9));
  if (!h) return h.err();
  if (xt.btih && *xt.btih != *h) return error{"xt: two different urn:btih info-hashes"};
  xt.btih = *h;
  return ok();
}

bool is_tracker_param(std::string_view key) {
  if (iequals(key, "tr")) return true;
  // tr.1, tr.2 ...: numbered trackers some sites emit.
  return key.size() > 3 && istarts_with(key, "tr.") &&
         std::all_of(key.begin() + 3, key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

status add_param(magnet_link& link, xt_state& xt, bool& named, std::string_view key, std::string_view raw) {
  const bool known = iequals(key, "xt") || iequals(key, "dn") || iequals(key, "x.pe") || is_tracker_param(key);
  if (!known) return ok();
  auto value = percent_decode(key, raw);
  if (!value) return value.err();
  if (iequals(key, "xt")) return add_xt(xt, *value);
  if (iequals(key, "x.pe")) return add_peer(link, *value);
  if (iequals(key, "dn")) {
    if (!named) link.name = std::move(*value);  // the first dn wins
    named = true;
    return ok();
  }
  if (value->empty()) return ok();  // "tr=": nothing to announce to
  if (std::find(link.trackers.begin(), link.trackers.end(), *value) == link.trackers.end())
    link.trackers.push_back(std::move(*value));
  return ok();
}

}  // namespace

bool looks_like_magnet(std::string_view text) { return istarts_with(text, "magnet:"); }

result<magnet_link> parse_magnet(std::string_view uri) {
  if (uri.size() > max_magnet_size)
    return error{"magnet: " + std::to_string(uri.size()) + " bytes, above the limit of " +
                 std::to_string(max_magnet_size)};
  if (!istarts_with(uri, "magnet:?")) return error{"magnet: does not start with \"magnet:?\""};
  std::string_view query = uri.substr(8);
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);

  magnet_link link;
  xt_state xt;
  bool named = false;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = param.find('=');
    if (eq == std::string_view::npos) continue;  // "&&" or a bare flag: nothing to read
    if (auto s = add_param(link, xt, named, param.substr(0, eq), param.substr(eq + 1)); !s) return s.err();
  }
  if (!xt.btih) {
    if (xt.saw_btmh)
      return error{std::string(magnet_v2_unsupported_prefix) +
                   " is not supported yet; only v1 or hybrid magnets (urn:btih) can be used"};
    return error{"xt: no urn:btih info-hash"};
  }
  link.info_hash = *xt.btih;
  return link;
}

std::string make_magnet(const magnet_link& link) {
  std::string out = "magnet:?xt=urn:btih:" + link.info_hash.hex();
  auto param = [&out](std::string_view key, std::string_view value) {
    out += '&';
    out += key;
    out += '=';
    url_encode_to(out, value);
  };
  if (!link.name.empty()) param("dn", link.name);
  for (const auto& t : link.trackers) param("tr", t);
  for (const auto& p : link.peers) param("x.pe", p.to_string());
  for (const auto& h : link.peer_hosts) param("x.pe", h);
  return out;
}

}  // namespace shoal
