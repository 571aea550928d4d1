#pragma once
// A Beast parser that keeps only what the tracker needs from a request head (method and
// target, copied into a reused string) and refuses any body, so parsing a request
// allocates nothing once the connection's buffers have grown.
#include <boost/beast/http/basic_parser.hpp>
#include <string>

namespace shoal::tracker {

class request_head_parser final : public boost::beast::http::basic_parser<true> {
 public:
  explicit request_head_parser(std::string& target) : target_(target) {
    header_limit(8 * 1024);  // request line plus headers
    body_limit(0);
  }
  boost::beast::http::verb method() const { return method_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view, string_view target, int,
                       error_code&) override {
    method_ = method;
    target_.assign(target.data(), target.size());
  }
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override {
    if (!length || *length > 0) ec = boost::beast::http::error::body_limit;
  }
  std::size_t on_body_impl(string_view body, error_code& ec) override {
    ec = boost::beast::http::error::body_limit;
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code& ec) override {
    ec = boost::beast::http::error::body_limit;
  }
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override {
    ec = boost::beast::http::error::body_limit;
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  std::string& target_;
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
};

}  // namespace shoal::tracker
