#include "shoal/session/torrent.hpp"

#include <gtest/gtest.h>

namespace shoal::session {
namespace {

// Torrents added with equal settings share one copy; different settings get their own, and the earlier copy
// stays valid for whoever holds it.
TEST(SettingsPool, EqualSettingsShareOneCopy) {
  settings_pool pool;
  torrent_settings a;
  a.max_peers = 30;
  auto first = pool.intern(a);
  auto second = pool.intern(a);
  EXPECT_EQ(first.get(), second.get());

  torrent_settings b = a;
  b.peers.push_back(*peer_address::parse("127.0.0.1:6881"));
  auto third = pool.intern(b);
  EXPECT_NE(third.get(), first.get());
  EXPECT_EQ(third->peers.size(), 1u);
  EXPECT_EQ(first->max_peers, 30u);
  EXPECT_TRUE(first->peers.empty());
  EXPECT_EQ(pool.intern(b).get(), third.get());
}

}  // namespace
}  // namespace shoal::session
