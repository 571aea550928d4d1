#include "shoal/daemon/user_db.hpp"

#include <fstream>

#include "fixtures.hpp"

namespace shoal::daemon {
namespace {

using user_db_test = test::scratch_dir;

TEST_F(user_db_test, add_verify_list_remove) {
  user_db db(dir);
  EXPECT_TRUE(db.empty());
  ASSERT_TRUE(db.add("alice", "s3cret pass"));
  ASSERT_TRUE(db.add("bob", "other"));
  EXPECT_FALSE(db.empty());
  EXPECT_TRUE(db.verify("alice", "s3cret pass"));
  EXPECT_TRUE(db.verify("alice", "s3cret pass"));  // the second time from the cache, same verdict
  EXPECT_FALSE(db.verify("alice", "s3cret pas"));
  EXPECT_FALSE(db.verify("alice", "other"));
  EXPECT_FALSE(db.verify("carol", "other"));
  EXPECT_FALSE(db.verify("", ""));
  auto names = db.list();
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"alice", "bob"}));
  ASSERT_TRUE(db.remove("alice"));
  EXPECT_FALSE(db.verify("alice", "s3cret pass"));
  auto gone = db.remove("alice");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.code(), error_code::not_found);
}

TEST_F(user_db_test, refuses_bad_names_duplicates_and_empty_passwords) {
  user_db db(dir);
  EXPECT_FALSE(db.add("", "pw"));
  EXPECT_FALSE(db.add("a:b", "pw"));
  EXPECT_FALSE(db.add("tab\there", "pw"));
  EXPECT_FALSE(db.add(std::string(65, 'x'), "pw"));
  EXPECT_FALSE(db.add("ok", ""));
  ASSERT_TRUE(db.add("ok", "pw"));
  auto again = db.add("ok", "pw2");
  ASSERT_FALSE(again);
  EXPECT_NE(again.message().find("exists"), std::string::npos);
  EXPECT_TRUE(db.verify("ok", "pw"));  // the refused add changed nothing
}

TEST_F(user_db_test, the_file_holds_salted_hashes_not_passwords) {
  user_db db(dir);
  ASSERT_TRUE(db.add("alice", "same password"));
  ASSERT_TRUE(db.add("bob", "same password"));
  const auto text = test::read_file(dir / "users.json");
  EXPECT_EQ(text.find("same password"), std::string::npos);
  EXPECT_NE(text.find("\"kdf\":\"scrypt\""), std::string::npos);
  // Two users with one password: different salts, so different hashes.
  auto hash_of = [&](std::string_view name) {
    auto at = text.find(std::string("\"name\":\"") + std::string(name) + "\"");
    auto h = text.find("\"hash\":\"", at);
    return text.substr(h + 8, 64);
  };
  EXPECT_NE(hash_of("alice"), hash_of("bob"));
}

TEST_F(user_db_test, a_user_added_by_another_writer_counts_at_once) {
  user_db daemon_side(dir);
  EXPECT_TRUE(daemon_side.empty());
  EXPECT_FALSE(daemon_side.verify("alice", "pw"));
  {
    user_db command_side(dir);  // `shoald user add` in another process
    ASSERT_TRUE(command_side.add("alice", "pw"));
  }
  EXPECT_FALSE(daemon_side.empty());
  EXPECT_TRUE(daemon_side.verify("alice", "pw"));
  {
    user_db command_side(dir);
    ASSERT_TRUE(command_side.remove("alice"));
  }
  EXPECT_FALSE(daemon_side.verify("alice", "pw"));  // the cache went with the old file
  EXPECT_TRUE(daemon_side.empty());
}

TEST_F(user_db_test, a_broken_file_is_an_error_naming_it_and_keeps_the_users) {
  user_db db(dir);
  ASSERT_TRUE(db.add("alice", "pw"));
  EXPECT_TRUE(db.verify("alice", "pw"));
  { std::ofstream(dir / "users.json") << "{\"users\": [{\"name\": 3}]}  "; }
  auto r = user_db(dir).list();
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("users.json"), std::string::npos) << r.message();
  EXPECT_FALSE(db.empty());  // authentication stays on with the users read before
  { std::ofstream(dir / "users.json") << "not json"; }
  EXPECT_FALSE(user_db(dir).refresh());
  { std::ofstream(dir / "users.json") << R"({"users":[{"name":"x","kdf":"scrypt","n":1073741824,"r":8,"p":1,"salt":"00","hash":"00"}]})"; }
  auto huge = user_db(dir).refresh();
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.message().find("out of range"), std::string::npos) << huge.message();
}

TEST(user_name, basic_auth_rules) {
  EXPECT_TRUE(check_user_name("alice"));
  EXPECT_TRUE(check_user_name("Ünïcode name"));
  EXPECT_FALSE(check_user_name("a:b"));
  EXPECT_FALSE(check_user_name(""));
}

}  // namespace
}  // namespace shoal::daemon
