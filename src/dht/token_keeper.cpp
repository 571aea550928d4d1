#include "shoal/dht/token_keeper.hpp"

namespace shoal::dht {

namespace {
std::string random_secret(std::mt19937_64& rng) {
  std::string s(16, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}
}  // namespace

token_keeper::token_keeper(std::mt19937_64& rng)
    : rng_(rng), current_(random_secret(rng)), previous_(random_secret(rng)) {}

std::string token_keeper::token_for(const std::string& secret, const peer_address& requester) {
  std::string input = secret;
  // The IP only: a node may query from another port than it announces from.
  input.append(reinterpret_cast<const char*>(requester.ip.data()), requester.v6 ? 16 : 4);
  return sha1(input).str().substr(0, 8);  // 8 bytes as libtorrent sends; unguessable without the secret
}

std::string token_keeper::make(const peer_address& requester) const { return token_for(current_, requester); }

bool token_keeper::valid(const std::string& token, const peer_address& requester) const {
  return token == token_for(current_, requester) || token == token_for(previous_, requester);
}

void token_keeper::rotate() {
  previous_ = std::move(current_);
  current_ = random_secret(rng_);
}

}  // namespace shoal::dht
