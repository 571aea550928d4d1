#pragma once
// shoald's users: `users.json` in the state folder, one salted, slow hash per user (OpenSSL's scrypt), written
// atomically. `shoald user add` writes the file while the daemon may be running: the daemon's reader notices the
// file changed (inode, size, modification time) at its next call and reads it again, so a new user counts at once.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/util/result.hpp"

namespace shoal::daemon {

// What users.json holds per user.
struct user_record {
  std::string name;
  std::uint64_t n = 0;  // scrypt cost parameters
  std::uint32_t r = 0, p = 0;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes
};

// A name HTTP Basic can carry: 1..64 bytes, no ':' (Basic splits on the first), no control characters.
status check_user_name(std::string_view name);

class user_db {
 public:
  explicit user_db(std::filesystem::path state_dir);

  const std::filesystem::path& file() const { return file_; }
  // Refused: a bad name (check_user_name), an empty password or one over 1024 bytes, a name that exists.
  status add(std::string_view name, std::string_view password);
  // Refused: no such user (code not_found).
  status remove(std::string_view name);
  // The names, sorted. A file that cannot be read or parsed is an error naming it.
  result<std::vector<std::string>> list();
  // The name exists and the password is its own. Constant-time compare; an unknown name costs a hash too.
  bool verify(std::string_view name, std::string_view password);
  // No user at all (the RPC then answers without authentication, on a loopback bind only).
  bool empty();
  // Reads the file again if it changed since the last read (a missing file is no user); errors name the file.
  status refresh();

 private:
  struct file_id {
    std::uint64_t inode = 0, size = 0;
    std::int64_t mtime_ns = -1;
    bool exists = false;
    friend bool operator==(const file_id&, const file_id&) = default;
  };
  file_id stat_file() const;
  status load();
  status save();
  bool cached(std::string_view name, std::string_view password) const;

  std::filesystem::path file_;
  std::map<std::string, user_record, std::less<>> users_;
  file_id seen_{};
  bool loaded_ = false;
  // Passwords verified since the last read, as SHA-256 under a per-process random key: Basic auth sends the
  // password with every request, and scrypt on each would cost ~50 ms of CPU apiece.
  std::array<unsigned char, 32> cache_key_{};
  std::map<std::string, std::string, std::less<>> verified_;
};

}  // namespace shoal::daemon
