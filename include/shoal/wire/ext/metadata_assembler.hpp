#pragma once
// Fetching a magnet link's info dictionary from several peers (BEP 9): which 16 KiB piece to ask whom, the pieces
// as they arrive, and the SHA-1 check against the info-hash. Pure: peers are keys, time is passed in.
//
// Peers may disagree on the size: the size most trusted peers claim is fetched, only from them (a buffer of at
// most the limit, allocated only once a size is chosen); when its claimants are gone, the next size is tried.
// Data that does not hash to the info-hash: a single contributor is distrusted at once; with several, nobody can
// tell which one lied, so the metadata is fetched again from one peer at a time, each failure distrusting it (a
// source whose request times out hands over to the next peer).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/util/result.hpp"
#include "shoal/wire/ext/ut_metadata.hpp"

namespace shoal::wire::ext {

class metadata_assembler {
 public:
  using peer_key = std::uint64_t;
  using time_point = std::chrono::steady_clock::time_point;

  enum class verdict : std::uint8_t {
    stored,         // kept; more pieces to come
    complete,       // every piece arrived and the whole hashes to the info-hash: metadata() holds it
    hash_mismatch,  // every piece arrived but the whole is not the torrent's: `distrusted` names who is to blame
    ignored,        // not a piece we asked this peer for (late, a size we do not fetch, already have)
  };
  struct data_outcome {
    verdict what = verdict::ignored;
    std::vector<peer_key> distrusted;  // peers to drop now
  };

  explicit metadata_assembler(sha1_digest info_hash, metadata_limits limits = {},
                              std::chrono::seconds request_timeout = std::chrono::seconds(20),
                              std::size_t per_peer = 4);

  // A peer's extended handshake named metadata_size (a re-sent one replaces the claim). Sizes the limit refuses
  // are an error: the peer is never asked, nothing is sized for it.
  status add_peer(peer_key p, std::int64_t size);
  // Gone: its requests go to others.
  void remove_peer(peer_key p);
  // The size this peer claimed (what its data messages must say), 0 when none.
  std::int64_t claimed_size(peer_key p) const;
  bool distrusted(peer_key p) const;

  // The next piece to ask p for, or none (nothing left, p has enough in flight, or p is not one we ask).
  std::optional<std::uint32_t> next_request(peer_key p, time_point now);
  // p has no metadata to give (BEP 9 reject): not asked again.
  void on_reject(peer_key p, std::uint32_t piece);
  data_outcome on_data(peer_key p, std::uint32_t piece, std::string_view bytes, time_point now);

  bool complete() const { return complete_; }
  const std::string& metadata() const { return buffer_; }  // the info dictionary, once complete
  std::int64_t target_size() const { return target_size_; }
  std::size_t pieces_received() const { return received_count_; }
  std::size_t failures() const { return failures_; }

 private:
  struct peer_state {
    std::int64_t size = 0;
    bool distrusted = false;
    bool rejected = false;
    std::size_t inflight = 0;
  };
  struct piece_state {
    bool received = false;
    peer_key source = 0;
    std::optional<peer_key> asked;
    time_point asked_at{};
  };

  bool may_ask(const peer_state& s) const { return !s.distrusted && !s.rejected && s.size == target_size_; }
  bool target_has_claimant() const;
  void choose_target();
  void start_over();
  void drop_requests_of(peer_key p);
  std::optional<peer_key> pick_single_source(std::optional<peer_key> after = std::nullopt) const;
  bool stalled(peer_key p, time_point now) const;

  sha1_digest info_hash_;
  metadata_limits limits_;
  std::chrono::seconds timeout_;
  std::size_t per_peer_;
  std::map<peer_key, peer_state> peers_;
  std::int64_t target_size_ = 0;  // 0: not chosen yet
  std::vector<piece_state> pieces_;
  std::string buffer_;
  std::size_t received_count_ = 0;
  std::size_t failures_ = 0;
  bool single_source_mode_ = false;  // after a failure with several contributors
  std::optional<peer_key> single_source_;
  bool complete_ = false;
};

}  // namespace shoal::wire::ext
