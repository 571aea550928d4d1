#include "shoal/cmd/peer_process.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/net/spawn.hpp"
#include "shoal/ui/control_command.hpp"
#include "shoal/ui/event_json.hpp"
#include "shoal/ui/status_area.hpp"
#include "shoal/ui/status_view.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::cmd {

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_command_line = 64 * 1024;

class peer_process {
 public:
  peer_process(const process_setup& setup, const torrent_loader& load)
      : setup_(setup), load_(load), session_(io_.get_executor(), setup.session), signals_(io_), winch_(io_),
        status_timer_(io_) {}

  int run(const std::vector<std::string>& files);

 private:
  bool add_all(const std::vector<std::string>& files);
  result<session::torrent_id> add_file(const std::string& file, bool paused);
  void on_event(const session::session_event& e);
  void on_check_failed(const session::session_event& e);
  void maybe_done();
  void finish(bool hurry);
  void on_signal(int sig);
  void print(const std::string& line);
  std::vector<ui::transfer_status> lines();
  asio::awaitable<void> status_loop();
  asio::awaitable<void> resize_loop();
  asio::awaitable<void> control_loop();
  void execute(const ui::control_command& c);
  result<session::torrent_id> target(const ui::control_command& c);
  int exit_code() const;

  const process_setup& setup_;
  const torrent_loader& load_;
  asio::io_context io_;
  session::session session_;
  asio::signal_set signals_, winch_;
  asio::steady_timer status_timer_;
  std::unique_ptr<asio::posix::stream_descriptor> input_;
  std::unique_ptr<ui::status_area> display_;
  std::map<session::torrent_id, std::string> files_;  // the command-line name of each torrent
  std::size_t skipped_ = 0;  // seed: torrents that could not be served
  std::size_t given_ = 0;
  int interrupted_by_ = 0;
  bool finishing_ = false;
  bool failed_ = false;      // a torrent ended in error
  std::vector<session::torrent_status> scratch_;
};

void peer_process::print(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

result<session::torrent_id> peer_process::add_file(const std::string& file, bool paused) {
  auto req = load_(file);
  if (!req) return req.err();
  auto id = req->magnet ? session_.add_magnet(*req->magnet, std::move(req->options), paused)
                       : session_.add(std::move(req->meta), std::move(req->options), paused);
  if (id) files_[*id] = file;
  return id;
}

bool peer_process::add_all(const std::vector<std::string>& files) {
  const bool several = files.size() > 1;
  given_ = files.size();
  for (const auto& file : files) {
    auto id = add_file(file, false);
    if (id) continue;
    if (!setup_.seed) {
      spdlog::error("{}", id.message());
      return false;
    }
    ++skipped_;
    spdlog::error("{}{}", id.message(), several ? "; skipped" : "");
  }
  if (setup_.seed && skipped_ == files.size() && !setup_.control) {
    if (several) spdlog::error("nothing to seed: none of the {} torrents can be served", files.size());
    return false;
  }
  return true;
}

// A check that failed: a seed skips that torrent (the others go on), a leech reports it with the file's name.
void peer_process::on_check_failed(const session::session_event& e) {
  const auto it = files_.find(e.id);
  const std::string file = it != files_.end() ? it->second : e.name;
  if (!setup_.seed) {
    spdlog::error("{}: {}", file, e.message);
    failed_ = true;
    return;
  }
  const bool several = given_ > 1;
  spdlog::error("{}: cannot seed: {}{}", file, e.message, several ? "; skipped" : "");
  ++skipped_;
  (void)session_.remove(e.id, false);
  files_.erase(e.id);
  if (files_.empty() && !setup_.control) {
    if (several) spdlog::error("nothing to seed: none of the {} torrents can be served", given_);
    failed_ = true;
  }
}

void peer_process::on_event(const session::session_event& e) {
  using kind = session::session_event::kind;
  if (setup_.json) print(ui::format_event_json(e));
  if (e.type == kind::state_changed && e.to == session::torrent_state::error) {
    if (e.from == session::torrent_state::checking) on_check_failed(e);
    else failed_ = true;
  }
  if (e.type == kind::removed) files_.erase(e.id);
  // Only these can end the process; stats and pieces come often and for many torrents at once.
  if (e.type == kind::state_changed || e.type == kind::completed || e.type == kind::removed) maybe_done();
}

// Without --control the process lives for its torrents: once none has anything left to do, it ends.
void peer_process::maybe_done() {
  if (finishing_ || setup_.control) return;
  scratch_.clear();
  session_.statuses(scratch_);
  for (const auto& s : scratch_)
    if (!s.finished) return;
  spdlog::debug("every torrent finished");
  finish(false);
}

void peer_process::finish(bool hurry) {
  if (finishing_) return;
  finishing_ = true;
  boost::system::error_code ec;
  status_timer_.cancel();
  winch_.cancel(ec);
  if (input_) input_->close(ec);
  asio::co_spawn(io_, [this, hurry]() -> asio::awaitable<void> {
    co_await session_.stop(hurry ? 800ms : 5s, hurry);
    boost::system::error_code e;
    signals_.cancel(e);
    io_.stop();
  }, net::report_exception("stop"));
}

void peer_process::on_signal(int sig) {
  if (interrupted_by_ != 0) {
    // The user insists: nothing is lost (every verified piece is on disk), so no more waiting for trackers.
    std::fprintf(stderr, "\nsignal %d again: exiting now; run the same command again to resume\n", sig);
    std::fflush(stderr);
    std::_Exit(128 + sig);
  }
  interrupted_by_ = sig;
  spdlog::info("{}: stopping (telling the trackers, at most 1 s); press Ctrl-C again to quit at once",
               sig == SIGINT ? "interrupted" : "terminated");
  finish(true);
  signals_.async_wait([this](const boost::system::error_code& ec, int again) {
    if (!ec) on_signal(again);
  });
}

std::vector<ui::transfer_status> peer_process::lines() {
  scratch_.clear();
  session_.statuses(scratch_);
  std::vector<ui::transfer_status> out;
  out.reserve(scratch_.size());
  for (const auto& s : scratch_) out.push_back(ui::to_transfer_status(s));
  return out;
}

asio::awaitable<void> peer_process::status_loop() {
  while (!finishing_) {
    display_->show(lines());
    status_timer_.expires_after(1s);
    co_await status_timer_.async_wait(use_nothrow);
  }
}

// SIGWINCH: the width is re-read and the lines redrawn at once, not at the next tick.
asio::awaitable<void> peer_process::resize_loop() {
  while (!finishing_) {
    auto [ec, sig] = co_await winch_.async_wait(use_nothrow);
    if (ec || finishing_) co_return;
    display_->resized();
    display_->show(lines());
  }
}

result<session::torrent_id> peer_process::target(const ui::control_command& c) {
  if (c.id) return *c.id;
  if (c.info_hash) {
    if (auto id = session_.find(*c.info_hash)) return *id;
    return error{"no torrent with info-hash " + c.info_hash->hex()};
  }
  return error{c.name + ": no torrent named"};
}

void peer_process::execute(const ui::control_command& c) {
  using kind = ui::control_command::kind;
  auto reply = [&](const status& st, std::optional<std::uint32_t> id = std::nullopt) {
    if (!st) spdlog::warn("--control {}: {}", c.name, st.message());
    if (setup_.json) print(ui::format_reply_json(c.name, static_cast<bool>(st), st ? "" : st.message(), id));
  };
  if (c.what == kind::add) {
    auto id = add_file(c.torrent_file, c.paused);
    reply(id ? ok() : status(id.err()), id ? std::optional<std::uint32_t>(*id) : std::nullopt);
    return;
  }
  if (c.what == kind::stop) {
    reply(ok());
    finish(false);
    return;
  }
  if (c.what == kind::status && !c.id && !c.info_hash) {
    scratch_.clear();
    session_.statuses(scratch_);
    if (setup_.json)
      for (const auto& s : scratch_) print(ui::format_status_json(s));
    reply(ok());
    return;
  }
  auto id = target(c);
  if (!id) return reply(id.err());
  status st = ok();
  switch (c.what) {
    case kind::remove: st = session_.remove(*id, c.delete_data); break;
    case kind::pause: st = session_.pause(*id); break;
    case kind::resume: st = session_.resume(*id); break;
    case kind::verify: st = session_.verify(*id); break;
    case kind::reannounce: st = session_.reannounce(*id); break;
    case kind::limits: {
      session::torrent_limits l;
      l.download_rate = c.download_rate;
      l.upload_rate = c.upload_rate;
      if (c.max_peers) l.max_peers = static_cast<std::size_t>(*c.max_peers);
      st = session_.set_limits(*id, l);
      break;
    }
    case kind::status:
      if (auto s = session_.status_of(*id)) {
        if (setup_.json) print(ui::format_status_json(*s));
      } else {
        st = error{"no torrent with id " + std::to_string(*id)};
      }
      break;
    default: break;
  }
  reply(st, *id);
}

// One JSON command per line; the end of input stops the process (the script driving it is gone).
asio::awaitable<void> peer_process::control_loop() {
  std::string buf;
  while (!finishing_) {
    auto [ec, n] = co_await asio::async_read_until(*input_, asio::dynamic_buffer(buf, max_command_line), '\n',
                                                   use_nothrow);
    if (finishing_) co_return;
    if (ec == asio::error::not_found) {
      if (setup_.json) print(ui::format_reply_json("?", false, "command longer than 64 KiB: dropped"));
      buf.clear();
      continue;
    }
    if (ec) {
      spdlog::info("--control: end of input: stopping");
      finish(false);
      co_return;
    }
    std::string line = buf.substr(0, n - 1);
    buf.erase(0, n);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto c = ui::parse_control_command(line);
    if (!c) {
      spdlog::warn("--control: {}", c.message());
      if (setup_.json) print(ui::format_reply_json("?", false, c.message()));
      continue;
    }
    execute(*c);
  }
}

int peer_process::exit_code() const {
  if (failed_) return 1;
  if (interrupted_by_ != 0) {
    std::vector<session::torrent_status> all;
    session_.statuses(all);
    for (const auto& s : all)
      if (!s.finished && s.state != session::torrent_state::seeding && s.state != session::torrent_state::error)
        return 128 + interrupted_by_;
  }
  return 0;
}

int peer_process::run(const std::vector<std::string>& files) {
  if (auto st = session_.listen(); !st) return (spdlog::error("{}", st.message()), 1);
  if (setup_.json) print(ui::format_listening_json(session_.port()));
  if (setup_.control) {
    input_ = std::make_unique<asio::posix::stream_descriptor>(io_);
    boost::system::error_code ec;
    input_->assign(::dup(STDIN_FILENO), ec);
    if (ec) {
      spdlog::error("--control: standard input cannot be read as a stream ({}): give a pipe or a terminal",
                    ec.message());
      return 2;
    }
  }
  session_.subscribe([this](const session::session_event& e) { on_event(e); });
  if (!add_all(files)) return 1;
  // Signals are taken over here: until now the default action ends the process at once, which loses nothing.
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (!ec) on_signal(sig);
  });
  display_ = std::make_unique<ui::status_area>(stderr, ::isatty(STDERR_FILENO) == 1);
  if (display_->terminal()) {
    winch_.add(SIGWINCH);
    asio::co_spawn(io_, resize_loop(), net::report_exception("resize"));
  }
  if (input_) asio::co_spawn(io_, control_loop(), net::report_exception("control"));
  asio::co_spawn(io_, status_loop(), net::report_exception("status"));
  io_.run();
  display_->finish(lines());
  display_.reset();
  const int code = exit_code();
  if (code >= 128) spdlog::warn("interrupted before every piece was verified; run the same command again to resume");
  if (setup_.json) print(ui::format_exit_json(code));
  return code;
}

}  // namespace

int run_peer_process(const process_setup& setup, const std::vector<std::string>& files, const torrent_loader& load) {
  peer_process p(setup, load);
  return p.run(files);
}

}  // namespace shoal::cmd
