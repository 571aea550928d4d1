#pragma once
// Bad-peer bookkeeping: who sent the blocks of each piece, and who to ban when a piece fails its hash.
// Rule: the sole source of a failed piece is banned at once; a peer involved in two failed pieces is banned.
// The second rule can ban an honest peer that shared two pieces with a liar. To avoid that, the engine may hand
// in per-block digests of a failed piece (see piece_failed): the strikes of that failure are then held back
// until the piece is downloaded again and passes, when the block digests show exactly who lied.
// Pure and bounded: every table has a cap (ban_limits); the oldest entries go first.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shoal::swarm {

// A peer's identity for banning: the engine should use the IP address alone ("10.0.0.7", "2001:db8::1") so a
// banned peer cannot come back from another port. Fixed size: recording a block never allocates for the key.
class peer_key {
 public:
  static constexpr std::size_t capacity = 63;
  peer_key() = default;
  explicit peer_key(std::string_view text) noexcept;  // longer text is cut at `capacity` bytes
  std::string_view view() const noexcept { return {bytes_.data(), size_}; }
  friend bool operator==(const peer_key& a, const peer_key& b) noexcept { return a.view() == b.view(); }

 private:
  std::array<char, capacity> bytes_{};
  std::uint8_t size_ = 0;
};

struct peer_key_hash {
  std::size_t operator()(const peer_key& k) const noexcept { return std::hash<std::string_view>{}(k.view()); }
};

struct ban_limits {
  std::size_t max_pieces = 4096;            // pieces with contributors on record
  std::size_t max_blocks_per_piece = 8192;  // 128 MiB pieces at 16 KiB blocks
  std::size_t max_suspects = 4096;          // peers holding one strike
  std::size_t max_banned = 65536;           // bans kept for the session
};

class ban_list {
 public:
  explicit ban_list(ban_limits limits = {});

  // Block `block` (its index within the piece) of `piece` arrived from `peer`. A later copy of the same block
  // replaces the earlier one (only the bytes written count).
  void record_block(std::uint32_t piece, std::uint32_t block, std::string_view peer);

  // The piece failed its hash: returns the peers newly banned (to disconnect). A sole source is banned.
  // Without digests every contributor gets a strike now (two strikes ban).
  // With block_digests (indexed by block; any stable 64-bit digest of each block's bytes as received, e.g. the
  // first 8 bytes of its SHA-1) the contributors' strikes are held back as a pending verdict on this piece;
  // if the piece fails again before passing, the held-back strikes are given then.
  std::vector<std::string> piece_failed(std::uint32_t piece, std::span<const std::uint64_t> block_digests = {});

  // The piece passed: forgets its contributors and settles a pending verdict. With the good block digests,
  // a contributor to the failed attempt whose block differs is banned and the others are cleared; without them,
  // each gets its held-back strike. Returns the peers newly banned.
  std::vector<std::string> piece_passed(std::uint32_t piece, std::span<const std::uint64_t> block_digests = {});

  // The engine gave the piece up (e.g. torrent removed): forget it, and any pending verdict, judging nobody.
  void forget_piece(std::uint32_t piece);

  void ban(std::string_view peer);  // explicit ban, e.g. for a protocol violation
  bool is_banned(std::string_view peer) const;
  std::size_t banned_count() const noexcept { return banned_.size(); }
  std::size_t strikes(std::string_view peer) const;  // 0, 1, or 2 once banned
  std::size_t pieces_tracked() const noexcept { return pieces_.size(); }

 private:
  struct failed_block {
    std::uint32_t block;
    peer_key peer;
    std::uint64_t digest;
  };
  struct piece_record {
    std::vector<peer_key> blocks;       // by block index: who sent the copy we hold (empty key: nobody yet)
    std::vector<failed_block> failed;   // a failed attempt awaiting its verdict (digests were given)
    std::uint64_t touched = 0;          // logical age, for eviction
  };

  piece_record& record_for(std::uint32_t piece);
  void drop_piece(std::unordered_map<std::uint32_t, piece_record>::iterator it);
  void add_ban(const peer_key& peer, std::vector<std::string>& out);
  void add_strike(const peer_key& peer, std::vector<std::string>& out);
  void strike_pending(piece_record& rec, std::vector<std::string>& out);

  ban_limits limits_;
  std::uint64_t clock_ = 0;  // logical time: eviction drops the smallest
  std::unordered_map<std::uint32_t, piece_record> pieces_;
  std::unordered_map<peer_key, std::uint64_t, peer_key_hash> suspects_;  // one strike, with its age
  std::unordered_map<peer_key, std::uint64_t, peer_key_hash> banned_;
  std::vector<std::vector<peer_key>> spare_;  // recycled block tables: a new piece rarely allocates
};

}  // namespace shoal::swarm
