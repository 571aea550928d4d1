#pragma once
// A string that is usually empty, in 8 bytes: a null pointer when empty, else its own heap copy. std::string is 32
// bytes whether set or not, and a daemon holds 10,000 torrents whose comment, creator, BEP 47 attributes and error
// text are almost always empty (72 bytes a torrent over those four).
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace shoal {

class rare_string {
 public:
  rare_string() = default;
  rare_string(std::string s) { assign(std::move(s)); }  // NOLINT: implicit, as a std::string field was
  rare_string(std::string_view s) : rare_string(std::string(s)) {}
  rare_string(const char* s) : rare_string(std::string(s)) {}
  rare_string(const rare_string& o) : p_(o.p_ ? std::make_unique<std::string>(*o.p_) : nullptr) {}
  rare_string(rare_string&&) noexcept = default;
  rare_string& operator=(const rare_string& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<std::string>(*o.p_) : nullptr;
    return *this;
  }
  rare_string& operator=(rare_string&&) noexcept = default;
  rare_string& operator=(std::string s) {
    assign(std::move(s));
    return *this;
  }
  rare_string& operator=(std::string_view s) { return *this = std::string(s); }
  rare_string& operator=(const char* s) { return *this = std::string(s); }

  const std::string& str() const { return p_ ? *p_ : empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT: reads as the std::string it replaces
  operator std::string_view() const { return str(); }     // NOLINT
  bool empty() const { return p_ == nullptr; }
  std::size_t size() const { return p_ ? p_->size() : 0; }
  const char* data() const { return str().data(); }
  void clear() { p_.reset(); }
  rare_string& operator+=(std::string_view s) {
    if (s.empty()) return *this;
    if (p_) p_->append(s);
    else p_ = std::make_unique<std::string>(s);
    return *this;
  }

  friend bool operator==(const rare_string& a, const rare_string& b) { return a.str() == b.str(); }
  friend bool operator==(const rare_string& a, std::string_view b) { return std::string_view(a.str()) == b; }
  friend bool operator==(const rare_string& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const rare_string& a, const char* b) { return std::string_view(a.str()) == b; }
  friend std::string operator+(const rare_string& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(std::string a, const rare_string& b) { return std::move(a) + b.str(); }
  friend std::ostream& operator<<(std::ostream& o, const rare_string& s);

 private:
  void assign(std::string s) { p_ = s.empty() ? nullptr : std::make_unique<std::string>(std::move(s)); }
  static const std::string& empty_text() {
    static const std::string none;
    return none;
  }
  std::unique_ptr<std::string> p_;
};

}  // namespace shoal
