#pragma once
// The Transmission RPC methods (and ours) over a backend: a request body in, the reply body out. Bad input is
// answered with its error as the reply's "result", never thrown. Runs on the session's executor (it calls the
// session directly) and follows its events to answer "recently-active" and activityDate.
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "shoal/rpc/backend.hpp"
#include "shoal/rpc/request.hpp"
#include "shoal/util/flat_map.hpp"

namespace shoal::rpc {

class rpc_methods {
 public:
  rpc_methods(backend& b, std::string session_id);
  ~rpc_methods();
  rpc_methods(const rpc_methods&) = delete;
  rpc_methods& operator=(const rpc_methods&) = delete;

  // The reply body through `done`: before handle returns for every method but torrent-create, whose reply
  // waits for its hashing (the backend does it off this thread; other requests are answered meanwhile).
  void handle(std::string_view body, std::function<void(std::string)> done);

 private:
  struct reply {
    std::string result = "success";
    std::string arguments = "{}";  // JSON text
  };
  reply dispatch(const rpc_call& c);
  static std::string envelope(reply r, std::optional<std::int64_t> tag);
  reply torrent_add(const torrent_add_args& a);
  reply torrent_get(const rpc_call& c, const torrent_get_args& a);
  reply for_each(const rpc_call& c, status (*act)(backend&, session::torrent_id));
  reply torrent_remove(const rpc_call& c, const torrent_remove_args& a);
  reply torrent_set(const rpc_call& c, const torrent_set_args& a);
  reply session_get();
  reply session_set(const session_set_args& a);
  reply session_stats();
  reply free_space(const free_space_args& a);
  void torrent_create(const torrent_create_args& a, std::optional<std::int64_t> tag,
                      std::function<void(std::string)> done);
  reply browse(const browse_args& a);
  std::vector<session::torrent_id> selected(const id_selector& s);
  void on_event(const session::session_event& e);
  void note_removed(session::torrent_id id);
  std::vector<session::torrent_id> recently_removed();

  backend& backend_;
  std::string session_id_;
  std::size_t subscription_ = 0;
  flat_map<session::torrent_id, std::int64_t> activity_;  // unix seconds of its last activity
  std::deque<std::pair<std::int64_t, session::torrent_id>> removed_;  // the last minute's removals
};

}  // namespace shoal::rpc
