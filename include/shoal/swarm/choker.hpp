#pragma once
// Who gets our upload slots: BEP 3 practice (tit-for-tat plus one optimistic unchoke).
// Pure: the engine passes a snapshot of its peers and the time; no clock, no socket, no global state.
// Deterministic for a given seed of the random generator (used only to break ties).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "shoal/util/small_rng.hpp"

namespace shoal::swarm {

using choke_clock = std::chrono::steady_clock;

enum class choke_mode {
  leech,  // reward the peers that upload fastest to us
  seed,   // we have everything: serve the peers we upload to fastest (they can take it)
};

// One connected peer as the engine sees it at the start of a round.
struct choke_candidate {
  std::uint64_t id = 0;              // the engine's key for the connection (opaque here)
  bool interested = false;           // the peer wants data from us
  bool is_seed = false;              // the peer has every piece: it never needs our upload
  bool snubbed = false;              // it sent us nothing for a long while though we asked
  std::uint64_t download_rate = 0;   // bytes/s it sent us over the last round
  std::uint64_t upload_rate = 0;     // bytes/s we sent it over the last round
  bool unchoked = false;             // currently unchoked by us
  choke_clock::duration choked_for{};  // how long it has been choked by us (or connected, if never unchoked)
};

struct choke_config {
  choke_mode mode = choke_mode::leech;
  std::size_t upload_slots = 4;  // regular slots; the optimistic unchoke comes on top; 0 = upload nothing
  choke_clock::duration round = std::chrono::seconds(10);
  choke_clock::duration optimistic_period = std::chrono::seconds(30);
};

// Slots for --upload-slots when the user gives none.
constexpr std::size_t default_upload_slots(choke_mode mode) { return mode == choke_mode::seed ? 8 : 4; }

struct choke_decision {
  std::vector<std::uint64_t> unchoke;   // everyone to unchoke, optimistic included; the rest are choked
  std::optional<std::uint64_t> optimistic;
};

class choker {
 public:
  explicit choker(choke_config config, std::uint32_t seed = 5489u);

  // Leech -> seed when the download completes; slots may change at run time too.
  void set_mode(choke_mode mode) noexcept { config_.mode = mode; }
  void set_upload_slots(std::size_t slots) noexcept { config_.upload_slots = slots; }
  const choke_config& config() const noexcept { return config_; }

  // A full round is due (every config.round). The engine may also call run() early, e.g. when an
  // unchoked peer leaves or loses interest; the optimistic peer still rotates only every optimistic_period.
  bool due(choke_clock::time_point now) const noexcept;

  // Decides who is unchoked until the next round. The reference stays valid until the next call.
  const choke_decision& run(std::span<const choke_candidate> peers, choke_clock::time_point now);

  std::optional<std::uint64_t> optimistic() const noexcept { return optimistic_; }

 private:
  bool eligible_regular(const choke_candidate& p) const noexcept;
  void pick_regular(std::span<const choke_candidate> peers);
  void pick_optimistic(std::span<const choke_candidate> peers, choke_clock::time_point now);

  choke_config config_;
  small_rng rng_;  // 8 bytes: one per torrent (small_rng.hpp)
  std::optional<std::uint64_t> optimistic_;
  choke_clock::time_point optimistic_since_{};
  std::optional<choke_clock::time_point> last_round_;
  choke_decision decision_;
  std::vector<std::pair<std::uint32_t, const choke_candidate*>> order_;  // reused: no allocation per round
};

}  // namespace shoal::swarm
