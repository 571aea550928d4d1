#pragma once
// announce_peer tokens (BEP 5): SHA-1 of a secret and the requester's IP. The secret rotates; a token made
// with the current or the previous secret is accepted, so a token lives between one and two rotations.
#include <random>
#include <string>

#include "shoal/addr/peer_address.hpp"
#include "shoal/hash/sha1.hpp"

namespace shoal::dht {

class token_keeper {
 public:
  explicit token_keeper(std::mt19937_64& rng);

  std::string make(const peer_address& requester) const;
  bool valid(const std::string& token, const peer_address& requester) const;
  // Called every few minutes (BEP 5 suggests 5): the current secret becomes the previous one.
  void rotate();

 private:
  static std::string token_for(const std::string& secret, const peer_address& requester);
  std::mt19937_64& rng_;
  std::string current_;
  std::string previous_;
};

}  // namespace shoal::dht
