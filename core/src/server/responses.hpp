// Every response the flag server sends, serialised once at start-up so that answering a request copies nothing.
#pragma once

#include <cstddef>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/flag_set.hpp"

namespace concur {

// A status line and headers in two variants, and a body that both share.
struct PreparedResponse {
  std::string keep_alive_head;  // ends "Connection: keep-alive\r\n\r\n"
  std::string close_head;       // ends "Connection: close\r\n\r\n"
  std::span<const std::uint8_t> body;

  std::string_view head(bool keep_alive) const noexcept { return keep_alive ? keep_alive_head : close_head; }
};

// Status line and headers for a body of `length` bytes.
std::string response_head(unsigned status, std::string_view content_type, std::size_t length, bool keep_alive,
                          std::string_view extra_headers = {});

class ResponseSet {
 public:
  // Flag bodies point into `flags`, which must outlive the set.
  explicit ResponseSet(const FlagSet& flags);
  ResponseSet(const ResponseSet&) = delete;
  ResponseSet& operator=(const ResponseSet&) = delete;

  const PreparedResponse& flag(std::size_t index) const { return flags_.at(index); }  // flags.files() order
  const PreparedResponse& manifest() const noexcept { return manifest_; }
  const PreparedResponse& not_found() const noexcept { return not_found_; }            // 404
  const PreparedResponse& bad_request() const noexcept { return bad_request_; }        // 400
  const PreparedResponse& method_not_allowed() const noexcept { return method_; }     // 405, Allow: GET
  const PreparedResponse& body_refused() const noexcept { return body_refused_; }      // 413
  const PreparedResponse& header_too_large() const noexcept { return header_large_; }  // 431
  // The `error` fault: a well-formed 500, 501, 502 or 503.
  const PreparedResponse& error(unsigned status) const { return errors_.at(status - 500); }
  // The `malformed` fault for a 500..503: bare-LF header lines, no
  // Content-Length, the body ending when the connection closes.
  std::string_view malformed(unsigned status) const { return malformed_.at(status - 500); }

 private:
  std::vector<PreparedResponse> flags_;
  PreparedResponse manifest_, not_found_, bad_request_, method_, body_refused_, header_large_;
  std::deque<std::string> bodies_;  // the bodies of everything but flags; a deque never moves them
  std::vector<PreparedResponse> errors_;
  std::vector<std::string> malformed_;
};

}  // namespace concur
