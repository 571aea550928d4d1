#pragma once
// --control: commands read from standard input, one JSON object per line, replied to with one
// {"event":"reply","command":...,"ok":true|false,...} line each (docs/cli.md lists them):
//   {"command":"add","torrent":"FILE.torrent","paused":false}
//   {"command":"remove","id":1,"delete_data":true}
//   {"command":"pause"|"resume"|"verify"|"reannounce","id":1}      ("info_hash":"<40 hex>" instead of "id" works too)
//   {"command":"limits","id":1,"download_rate":1048576,"upload_rate":0,"max_peers":20}   (0: unlimited)
//   {"command":"status"}  or  {"command":"status","id":1}
//   {"command":"stop"}
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shoal/hash/sha1.hpp"
#include "shoal/util/result.hpp"

namespace shoal::ui {

struct control_command {
  enum class kind { add, remove, pause, resume, verify, reannounce, limits, status, stop };
  kind what = kind::status;
  std::string name;                     // as given: echoed in the reply
  std::optional<std::uint32_t> id;      // the torrent, by id ...
  std::optional<sha1_digest> info_hash; // ... or by info-hash
  std::string torrent_file;             // add
  bool paused = false;                  // add
  bool delete_data = false;             // remove
  std::optional<std::uint64_t> download_rate, upload_rate, max_peers;  // limits
};

// Errors name the field ("\"id\": expected a positive integer", "unknown command \"frobnicate\"").
result<control_command> parse_control_command(std::string_view line);
// {"event":"reply","command":NAME,"ok":true[,"id":N]} or {...,"ok":false,"error":TEXT}.
std::string format_reply_json(std::string_view command, bool ok, std::string_view error_text,
                              std::optional<std::uint32_t> id = std::nullopt);

}  // namespace shoal::ui
