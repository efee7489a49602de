// A Beast request parser that keeps only what the flag server needs (method, target, keep-alive) and refuses bodies.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

namespace concur {

// Largest header block accepted (request line and fields); more is a 431.
inline constexpr std::uint32_t max_header_bytes = 8 * 1024;

// Beast's own request_parser stores every field in an allocated list; this one
// stores nothing but the target, copied into a string the connection reuses,
// so a request costs no allocation. Built afresh for each request (Beast
// parsers are single-use), which costs no allocation either.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestParser(std::string& target) : target_(target) { header_limit(max_header_bytes); }

  bool is_get() const noexcept { return get_; }
  // HTTP/1.0 or HTTP/1.1; Beast also parses "HTTP/2.0" and the like.
  bool known_version() const noexcept { return version_ == 10 || version_ == 11; }
  // A request announcing a body (Content-Length > 0 or chunked): parsing
  // stopped at its header, and its body is still unread.
  bool has_body() const noexcept { return has_body_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view, string_view target, int version,
                       error_code&) override {
    get_ = method == boost::beast::http::verb::get;
    version_ = version;
    target_.assign(target.data(), target.size());
  }
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code& ec) override {
    // Stop before the body: it is refused, so there is no point reading it.
    // Beast has decided by now: the message is done unless a body follows
    // (Content-Length > 0 or chunked). Asking content_length() instead makes
    // GCC 12 warn about the optional inside Beast when sanitizing.
    if (!is_done()) {
      has_body_ = true;
      ec = boost::beast::http::error::body_limit;
    }
  }
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override { return body.size(); }
  void on_finish_impl(error_code&) override {}

  std::string& target_;
  bool get_ = false;
  int version_ = 0;
  bool has_body_ = false;
};

}  // namespace concur
