#pragma once
// A Transmission RPC request body (JSON) -> a typed call. Pure: text in, struct out; every field is checked
// for its type, and a wrong one is an error naming it (the daemon answers it as the call's result).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/session/torrent_status.hpp"
#include "shoal/util/result.hpp"

namespace shoal::rpc {

enum class method : std::uint8_t {
  unknown,
  torrent_add,
  torrent_get,
  torrent_start,
  torrent_start_now,
  torrent_stop,
  torrent_verify,
  torrent_reannounce,
  torrent_remove,
  torrent_set,
  session_get,
  session_set,
  session_stats,
  free_space,
  port_test,
  torrent_create,  // ours
  shoal_browse,    // ours
};

std::string_view to_string(method m);
method method_from(std::string_view name);

// Which torrents a call names: every one (no "ids"), a list of ids and info-hashes, or "recently-active".
struct id_selector {
  enum class kind : std::uint8_t { all, listed, recently_active };
  kind what = kind::all;
  std::vector<session::torrent_id> ids;
  std::vector<sha1_digest> hashes;
};

struct torrent_add_args {
  std::optional<std::string> filename;  // a path on the daemon's host
  std::optional<std::string> metainfo;  // the .torrent, decoded from base64
  std::optional<std::string> download_dir;
  bool paused = false;
};

struct torrent_get_args {
  std::vector<std::string> fields;
  bool table = false;
};

struct torrent_remove_args {
  bool delete_local_data = false;
};

struct torrent_set_args {
  std::optional<std::int64_t> download_limit, upload_limit;  // KiB/s
  std::optional<bool> download_limited, upload_limited;
  std::optional<std::int64_t> peer_limit;
};

struct session_set_args {
  std::optional<std::string> download_dir;
  std::optional<std::int64_t> speed_limit_down, speed_limit_up;  // KiB/s
  std::optional<bool> speed_limit_down_enabled, speed_limit_up_enabled;
  std::optional<std::int64_t> alt_speed_down, alt_speed_up;  // KiB/s
  std::optional<bool> alt_speed_enabled;
  std::optional<std::int64_t> peer_limit_global, peer_limit_per_torrent;
};

struct free_space_args {
  std::string path;
};

struct torrent_create_args {
  std::string path;
  std::vector<std::string> trackers;
  bool is_private = false;
  std::int64_t piece_size = 0;
  std::string comment;
};

struct browse_args {
  std::optional<std::string> path;
};

using call_args = std::variant<std::monostate, torrent_add_args, torrent_get_args, torrent_remove_args,
                               torrent_set_args, session_set_args, free_space_args, torrent_create_args, browse_args>;

struct rpc_call {
  method what = method::unknown;
  std::string method_name;        // as sent (an unknown one is answered with it)
  std::optional<std::int64_t> tag;  // echoed in the reply
  id_selector ids;
  call_args args;
};

// Bodies larger than this are refused before parsing (an added .torrent in base64 fits in it).
inline constexpr std::size_t max_request_body = 10u << 20;

// Errors: "malformed JSON body: ...", "arguments.ids: ...", "arguments.metainfo: not base64" and the like.
// An unknown method is no error here (the reply says "method name not recognized" with the tag).
result<rpc_call> parse_request(std::string_view body);

}  // namespace shoal::rpc
