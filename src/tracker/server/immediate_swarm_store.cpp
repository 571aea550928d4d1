// A synchronous swarm_store behind the asynchronous interface; it cannot fail.
#include "shoal/tracker/server/async_swarm_store.hpp"

namespace shoal::tracker {

namespace {

class immediate_swarm_store final : public async_swarm_store {
 public:
  explicit immediate_swarm_store(std::unique_ptr<swarm_store> store) : store_(std::move(store)) {}

  void announce(const peer_announce& a, std::size_t want, std::vector<swarm_peer>& out,
                announce_done done) override {
    swarm_counts c = store_->announce(a, want, out);
    done(store_status{}, c);
  }

  void scrape(std::span<const sha1_digest> hashes, std::vector<scrape_file>& out,
              fill_done done) override {
    for (const auto& h : hashes) out.push_back({h, store_->scrape(h)});
    done(store_status{});
  }

  void scrape_all(std::vector<scrape_file>& out, fill_done done) override {
    store_->scrape_all(out);
    done(store_status{});
  }

  void expire(std::uint32_t cutoff, expire_done done) override {
    std::size_t removed = store_->expire(cutoff);
    done(store_status{}, removed);
  }

  void totals(totals_done done) override { done(store_status{}, store_->totals()); }

  void shared_key(std::string_view, std::string proposal, key_done done) override {
    done(store_status{}, proposal);
  }

  std::string describe() const override { return "memory"; }

 private:
  std::unique_ptr<swarm_store> store_;
};

}  // namespace

std::unique_ptr<async_swarm_store> make_immediate_store(std::unique_ptr<swarm_store> store) {
  return std::make_unique<immediate_swarm_store>(std::move(store));
}

}  // namespace shoal::tracker
