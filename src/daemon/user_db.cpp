#include "shoal/daemon/user_db.hpp"

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include <boost/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "shoal/util/atomic_write.hpp"
#include "shoal/util/hex.hpp"
#include "shoal/util/random_bytes.hpp"

namespace json = boost::json;

namespace shoal::daemon {

namespace {

constexpr std::uint64_t scrypt_n = 1u << 15;  // 32 MiB of memory and ~0.1 s per hash: slow for a guesser
constexpr std::uint32_t scrypt_r = 8, scrypt_p = 1;
constexpr std::size_t salt_size = 16, hash_size = 32;
constexpr std::size_t max_password = 1024;
constexpr std::uintmax_t max_file_size = 1 << 20;

std::string scrypt(std::string_view password, std::string_view salt, std::uint64_t n, std::uint32_t r, std::uint32_t p) {
  std::string out(hash_size, '\0');
  const std::uint64_t maxmem = 128ull * r * n * p + (1u << 20) + 128ull * r * n;
  if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), n, r, p, maxmem, reinterpret_cast<unsigned char*>(out.data()), out.size()) != 1)
    return {};
  return out;
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

error bad_file(const std::filesystem::path& f, std::string_view what) {
  return error{error_code::invalid_data, f.string() + ": " + std::string(what)};
}

// Cost parameters a file may name: enough to be slow, small enough not to exhaust memory on a crafted file.
bool sane_cost(std::uint64_t n, std::uint64_t r, std::uint64_t p) {
  return n >= 2 && (n & (n - 1)) == 0 && n <= (1u << 20) && r >= 1 && r <= 32 && p >= 1 && p <= 16;
}

result<user_record> read_record(const std::filesystem::path& f, const json::value& v) {
  if (!v.is_object()) return bad_file(f, "each user must be an object");
  const auto& o = v.get_object();
  auto str = [&](std::string_view key) -> const json::string* {
    auto* x = o.if_contains(key);
    return x && x->is_string() ? &x->get_string() : nullptr;
  };
  auto num = [&](std::string_view key) -> std::optional<std::uint64_t> {
    auto* x = o.if_contains(key);
    if (!x) return std::nullopt;
    if (x->is_uint64()) return x->get_uint64();
    if (x->is_int64() && x->get_int64() >= 0) return static_cast<std::uint64_t>(x->get_int64());
    return std::nullopt;
  };
  const auto *name = str("name"), *kdf = str("kdf"), *salt = str("salt"), *hash = str("hash");
  auto n = num("n"), r = num("r"), p = num("p");
  if (!name || !kdf || !salt || !hash || !n || !r || !p)
    return bad_file(f, "a user lacks one of name, kdf, n, r, p, salt, hash (or has the wrong type)");
  user_record u;
  u.name = std::string(*name);
  if (*kdf != "scrypt") return bad_file(f, "user \"" + u.name + "\": kdf \"" + std::string(*kdf) + "\" is unknown");
  if (!sane_cost(*n, *r, *p)) return bad_file(f, "user \"" + u.name + "\": scrypt parameters out of range");
  auto raw_salt = from_hex(std::string_view(salt->data(), salt->size()));
  auto raw_hash = from_hex(std::string_view(hash->data(), hash->size()));
  if (!raw_salt || raw_salt->empty() || !raw_hash || raw_hash->size() != hash_size)
    return bad_file(f, "user \"" + u.name + "\": salt or hash is not valid hex of the right length");
  u.n = *n;
  u.r = static_cast<std::uint32_t>(*r);
  u.p = static_cast<std::uint32_t>(*p);
  u.salt = std::move(*raw_salt);
  u.hash = std::move(*raw_hash);
  return u;
}

// The cache's digest of a name and password: SHA-256 over the per-process key, the name, a separator, the password.
std::string cache_digest(const std::array<unsigned char, 32>& key, std::string_view name, std::string_view password) {
  std::string in(reinterpret_cast<const char*>(key.data()), key.size());
  in.append(name).push_back('\0');
  in.append(password);
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  if (EVP_Digest(in.data(), in.size(), reinterpret_cast<unsigned char*>(out.data()), &len, EVP_sha256(), nullptr) != 1)
    return {};
  OPENSSL_cleanse(in.data(), in.size());
  out.resize(len);
  return out;
}

}  // namespace

status check_user_name(std::string_view name) {
  if (name.empty()) return error{error_code::invalid_data, "user name: empty"};
  if (name.size() > 64) return error{error_code::invalid_data, "user name: longer than 64 bytes"};
  for (char c : name) {
    if (c == ':') return error{error_code::invalid_data, "user name: ':' is not allowed (HTTP Basic splits on it)"};
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return error{error_code::invalid_data, "user name: control characters are not allowed"};
  }
  return ok();
}

user_db::user_db(std::filesystem::path state_dir) : file_(std::move(state_dir) / "users.json") {
  if (auto s = random_bytes(cache_key_.data(), cache_key_.size()); !s)
    throw std::runtime_error("no randomness for the password cache's key: " + s.message());
}

user_db::file_id user_db::stat_file() const {
  struct stat st {};
  if (::stat(file_.c_str(), &st) != 0) return {};
  return {static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec, true};
}

status user_db::refresh() {
  if (loaded_ && stat_file() == seen_) return ok();
  return load();
}

status user_db::load() {
  const auto id = stat_file();
  verified_.clear();
  if (!id.exists) {
    users_.clear();
    seen_ = id;
    loaded_ = true;
    return ok();
  }
  if (id.size > max_file_size) return bad_file(file_, "larger than 1 MiB: not a users file");
  std::ifstream in(file_, std::ios::binary);
  if (!in) return error{error_code::io, file_.string() + ": cannot be read"};
  std::string text((std::istreambuf_iterator<char>(in)), {});
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return bad_file(file_, "not valid JSON: " + ec.message());
  auto* list = v.is_object() ? v.get_object().if_contains("users") : nullptr;
  if (!list || !list->is_array()) return bad_file(file_, "must be an object with a \"users\" array");
  std::map<std::string, user_record, std::less<>> users;
  for (const auto& item : list->get_array()) {
    auto u = read_record(file_, item);
    if (!u) return u.err();
    std::string name = u->name;
    users.insert_or_assign(std::move(name), std::move(*u));
  }
  users_ = std::move(users);
  seen_ = id;
  loaded_ = true;
  return ok();
}

status user_db::save() {
  json::array list;
  for (const auto& [name, u] : users_)
    list.push_back(json::object{{"name", u.name}, {"kdf", "scrypt"}, {"n", u.n}, {"r", u.r}, {"p", u.p},
                                {"salt", to_hex(u.salt)}, {"hash", to_hex(u.hash)}});
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  if (ec) return error{error_code::io, file_.parent_path().string() + ": " + ec.message()};
  auto s = write_file_atomically(file_, json::serialize(json::object{{"users", std::move(list)}}) + "\n", true);
  if (!s) return s;
  seen_ = stat_file();
  verified_.clear();
  return ok();
}

status user_db::add(std::string_view name, std::string_view password) {
  if (auto s = check_user_name(name); !s) return s;
  if (password.empty()) return error{error_code::invalid_data, "password: empty"};
  if (password.size() > max_password) return error{error_code::invalid_data, "password: longer than 1024 bytes"};
  if (auto s = load(); !s) return s;  // the file as it is now: another `user add` may have written it
  if (users_.contains(name)) return error{error_code::invalid_data, "user \"" + std::string(name) + "\" exists already"};
  user_record u;
  u.name = std::string(name);
  u.n = scrypt_n;
  u.r = scrypt_r;
  u.p = scrypt_p;
  u.salt.assign(salt_size, '\0');
  if (auto s = random_bytes(u.salt.data(), salt_size); !s) return error{s.code(), "no random bytes for the salt: " + s.message()};
  u.hash = scrypt(password, u.salt, u.n, u.r, u.p);
  if (u.hash.empty()) return error{"scrypt failed (OpenSSL EVP_PBE_scrypt)"};
  users_.emplace(u.name, std::move(u));
  return save();
}

status user_db::remove(std::string_view name) {
  if (auto s = load(); !s) return s;
  auto it = users_.find(name);
  if (it == users_.end()) return error{error_code::not_found, "no user \"" + std::string(name) + "\""};
  users_.erase(it);
  return save();
}

result<std::vector<std::string>> user_db::list() {
  if (auto s = refresh(); !s) return s.err();
  std::vector<std::string> names;
  for (const auto& [name, u] : users_) names.push_back(name);
  return names;
}

bool user_db::empty() {
  // A file that became unreadable keeps the users read before: a broken file must not turn authentication off.
  (void)refresh();
  return users_.empty();
}

bool user_db::cached(std::string_view name, std::string_view password) const {
  auto it = verified_.find(name);
  if (it == verified_.end()) return false;
  const auto d = cache_digest(cache_key_, name, password);
  return !d.empty() && same(d, it->second);
}

bool user_db::verify(std::string_view name, std::string_view password) {
  (void)refresh();
  if (password.size() > max_password) return false;
  auto it = users_.find(name);
  if (it == users_.end()) {
    // The same work as for a real user: the time taken does not tell which names exist.
    (void)scrypt(password, std::string(salt_size, '\0'), scrypt_n, scrypt_r, scrypt_p);
    return false;
  }
  if (cached(name, password)) return true;
  const auto& u = it->second;
  const auto h = scrypt(password, u.salt, u.n, u.r, u.p);
  if (h.empty() || !same(h, u.hash)) return false;
  if (auto d = cache_digest(cache_key_, name, password); !d.empty()) verified_.insert_or_assign(std::string(name), d);
  return true;
}

}  // namespace shoal::daemon
