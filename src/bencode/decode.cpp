#include "shoal/bencode/decode.hpp"

#include <limits>
#include <string>

namespace shoal::bencode {

namespace {

// Recursive descent; recursion depth is bounded by limits.max_depth, never by the input.
class decoder {
 public:
  decoder(std::string_view in, const decode_limits& limits) : in_(in), limits_(limits) {}

  bool parse(value& out, std::size_t depth) {
    if (pos_ >= in_.size()) return fail("unexpected end of input, expected a value");
    if (++items_ > limits_.max_items) return fail("too many values (limit " + std::to_string(limits_.max_items) + ")");
    const std::size_t start = pos_;
    const char c = in_[pos_];
    bool ok;
    if (c == 'i') {
      integer i;
      ok = parse_int(i);
      if (ok) out = value(i);
    } else if (c >= '0' && c <= '9') {
      std::string s;
      ok = parse_string(s);
      if (ok) out = value(std::move(s));
    } else if (c == 'l' || c == 'd') {
      if (depth >= limits_.max_depth)
        return fail("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
      ok = c == 'l' ? parse_list(out, depth) : parse_dict(out, depth);
    } else {
      return fail(std::string("unexpected byte ") + describe(c) + ", expected 'i', 'l', 'd' or a digit");
    }
    if (ok) out.set_source({start, pos_ - start});
    return ok;
  }

  std::size_t pos() const { return pos_; }
  const std::string& message() const { return message_; }

  bool fail(std::string what) { return fail_at(pos_, std::move(what)); }
  bool fail_at(std::size_t at, std::string what) {
    message_ = "bencode: " + what + " at byte offset " + std::to_string(at);
    return false;
  }

 private:
  static std::string describe(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    static constexpr char digits[] = "0123456789abcdef";
    return std::string("0x") + digits[u >> 4] + digits[u & 0xf];
  }

  // Digits from pos_ up to (not including) `end` char; strict: no leading zeros.
  bool parse_int(integer& out) {
    const std::size_t start = pos_;
    ++pos_;  // 'i'
    bool negative = false;
    if (pos_ < in_.size() && in_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    const std::size_t digits_start = pos_;
    std::uint64_t magnitude = 0;
    const std::uint64_t max = negative ? std::uint64_t(std::numeric_limits<integer>::max()) + 1
                                       : std::uint64_t(std::numeric_limits<integer>::max());
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
      const unsigned d = unsigned(in_[pos_] - '0');
      if (magnitude > (max - d) / 10) return fail_at(start, "integer out of 64-bit range");
      magnitude = magnitude * 10 + d;
      ++pos_;
    }
    if (pos_ >= in_.size()) return fail("unexpected end of input inside an integer");
    if (in_[pos_] != 'e') return fail(std::string("unexpected byte ") + describe(in_[pos_]) + " inside an integer");
    const std::size_t ndigits = pos_ - digits_start;
    if (ndigits == 0) return fail_at(start, "integer without digits");
    if (ndigits > 1 && in_[digits_start] == '0') return fail_at(start, "integer with a leading zero");
    if (negative && magnitude == 0) return fail_at(start, "negative zero integer");
    ++pos_;  // 'e'
    out = negative ? integer(0 - magnitude) : integer(magnitude);
    return true;
  }

  bool parse_string(std::string& out) {
    const std::size_t start = pos_;
    std::uint64_t length = 0;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
      if (length > in_.size()) return fail_at(start, "string length larger than the input");
      length = length * 10 + unsigned(in_[pos_] - '0');
      ++pos_;
    }
    if (pos_ >= in_.size()) return fail("unexpected end of input inside a string length");
    if (in_[pos_] != ':') return fail(std::string("unexpected byte ") + describe(in_[pos_]) + " in a string length, expected ':'");
    if (pos_ - start > 1 && in_[start] == '0') return fail_at(start, "string length with a leading zero");
    ++pos_;  // ':'
    // Check against what is really there before allocating anything.
    if (length > in_.size() - pos_)
      return fail_at(start, "string of declared length " + std::to_string(length) + " runs past the end of input (" +
                                std::to_string(in_.size() - pos_) + " bytes left)");
    out.assign(in_.data() + pos_, static_cast<std::size_t>(length));
    pos_ += static_cast<std::size_t>(length);
    return true;
  }

  bool parse_list(value& out, std::size_t depth) {
    ++pos_;  // 'l'
    list items;
    while (true) {
      if (pos_ >= in_.size()) return fail("unexpected end of input inside a list");
      if (in_[pos_] == 'e') break;
      items.emplace_back();
      if (!parse(items.back(), depth + 1)) return false;
    }
    ++pos_;
    out = value(std::move(items));
    return true;
  }

  bool parse_dict(value& out, std::size_t depth) {
    ++pos_;  // 'd'
    dict entries;
    while (true) {
      if (pos_ >= in_.size()) return fail("unexpected end of input inside a dictionary");
      if (in_[pos_] == 'e') break;
      const std::size_t key_at = pos_;
      if (in_[pos_] < '0' || in_[pos_] > '9')
        return fail(std::string("dictionary key must be a string, found ") + describe(in_[pos_]));
      std::string key;
      if (!parse_string(key)) return false;
      if (++items_ > limits_.max_items) return fail("too many values (limit " + std::to_string(limits_.max_items) + ")");
      auto [it, inserted] = entries.try_emplace(std::move(key));
      if (!inserted) return fail_at(key_at, "duplicate dictionary key \"" + printable(it->first) + "\"");
      if (!parse(it->second, depth + 1)) return false;
    }
    ++pos_;
    out = value(std::move(entries));
    return true;
  }

  static std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 64)) out += (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ? std::string(1, c) : describe(c);
    if (s.size() > 64) out += "...";
    return out;
  }

  std::string_view in_;
  const decode_limits& limits_;
  std::size_t pos_ = 0;
  std::size_t items_ = 0;
  std::string message_;
};

}  // namespace

result<value> decode_prefix(std::string_view input, std::size_t& consumed, const decode_limits& limits) {
  consumed = 0;
  if (input.size() > limits.max_input)
    return error{"bencode: input of " + std::to_string(input.size()) + " bytes exceeds the limit of " +
                 std::to_string(limits.max_input)};
  if (input.empty()) return error{"bencode: empty input"};
  decoder d(input, limits);
  value v;
  if (!d.parse(v, 0)) return error{d.message()};
  consumed = d.pos();
  return v;
}

result<value> decode(std::string_view input, const decode_limits& limits) {
  std::size_t consumed = 0;
  auto r = decode_prefix(input, consumed, limits);
  if (!r) return r;
  if (consumed != input.size())
    return error{"bencode: " + std::to_string(input.size() - consumed) + " trailing bytes after the value at byte offset " +
                 std::to_string(consumed)};
  return r;
}

}  // namespace shoal::bencode
