#pragma once
// A value or an error (a code a caller can branch on, and a message naming what is wrong): what every
// decoder returns (C++20 has no std::expected).
#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace shoal {

// Small on purpose: a code exists only where some caller branches on it; the message carries the detail.
enum class error_code : std::uint8_t {
  generic,       // no caller needs to tell it apart
  cancelled,     // the caller asked the operation to stop
  not_found,     // a file, folder or item that is not there
  io,            // the system refused a read, write, open or map
  invalid_data,  // input that breaks its format or rules
};

struct error {
  error() = default;
  explicit error(std::string m) : message(std::move(m)) {}
  error(error_code c, std::string m) : code(c), message(std::move(m)) {}

  error_code code = error_code::generic;
  std::string message;
};

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  result(error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error& err() const { assert(!has_value()); return std::get<1>(v_); }
  const std::string& message() const { return err().message; }
  error_code code() const { return err().code; }

 private:
  std::variant<T, error> v_;
};

// For operations that return nothing but may fail.
struct ok_t {};
using status = result<ok_t>;
inline status ok() { return ok_t{}; }

}  // namespace shoal
