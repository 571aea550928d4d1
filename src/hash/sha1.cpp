#include "shoal/hash/sha1.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#include "shoal/hash/sha1_lane.hpp"
#include "shoal/util/hex.hpp"

namespace shoal {

namespace {
EVP_MD_CTX* as_ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }
sha1_lane* as_lane(void* p) { return static_cast<sha1_lane*>(p); }

// Fetched once: EVP_get_digestbyname is a lookup, EVP_sha1 is a constant.
const EVP_MD* sha1_md() { return EVP_sha1(); }

void init(EVP_MD_CTX* ctx) {
  if (EVP_DigestInit_ex(ctx, sha1_md(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: EVP_DigestInit_ex(SHA-1) failed");
}

void release(void* ctx, bool native) {
  if (!ctx) return;
  if (native)
    delete as_lane(ctx);
  else
    EVP_MD_CTX_free(as_ctx(ctx));
}
}  // namespace

std::string sha1_digest::hex() const { return to_hex(view()); }

bool sha1_digest::from_bytes(std::string_view raw, sha1_digest& out) {
  out = {};
  if (raw.size() != out.bytes.size()) return false;
  std::memcpy(out.bytes.data(), raw.data(), raw.size());
  return true;
}

sha1_hasher::sha1_hasher() : sha1_hasher(true) {}

sha1_hasher::sha1_hasher(bool use_extensions) : ctx_(nullptr), native_(use_extensions && sha1_lane::available()) {
  if (native_) {
    ctx_ = new sha1_lane;
    return;
  }
  ctx_ = EVP_MD_CTX_new();
  if (!ctx_) throw std::bad_alloc();
  init(as_ctx(ctx_));
}

sha1_hasher::~sha1_hasher() { release(ctx_, native_); }

sha1_hasher::sha1_hasher(sha1_hasher&& o) noexcept : ctx_(std::exchange(o.ctx_, nullptr)), native_(o.native_) {}

sha1_hasher& sha1_hasher::operator=(sha1_hasher&& o) noexcept {
  if (this != &o) {
    release(ctx_, native_);
    ctx_ = std::exchange(o.ctx_, nullptr);
    native_ = o.native_;
  }
  return *this;
}

void sha1_hasher::update(const void* data, std::size_t size) {
  if (native_) return as_lane(ctx_)->update(data, size);
  EVP_DigestUpdate(as_ctx(ctx_), data, size);
}

sha1_digest sha1_hasher::final() {
  if (native_) return as_lane(ctx_)->final();
  sha1_digest d;
  unsigned int len = 0;
  EVP_DigestFinal_ex(as_ctx(ctx_), d.bytes.data(), &len);
  init(as_ctx(ctx_));
  return d;
}

sha1_digest sha1_openssl(const void* data, std::size_t size) {
  sha1_digest d;
  unsigned int len = 0;
  EVP_Digest(data, size, d.bytes.data(), &len, sha1_md(), nullptr);
  return d;
}

sha1_digest sha1(const void* data, std::size_t size) {
  if (!sha1_lane::available()) return sha1_openssl(data, size);
  sha1_lane lane;
  lane.update(data, size);
  return lane.final();
}

sha1_digest sha1(std::string_view data) { return sha1(data.data(), data.size()); }

}  // namespace shoal
