// One client connection of the flag server: reads requests one after another and answers each, or injects the fault drawn for it.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_static_buffer.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/request_parser.hpp"
#include "server/responses.hpp"
#include "server/server_state.hpp"

namespace concur {

// Owned by the handlers of its pending operations (shared_from_this): it
// lives while it waits for something and goes when nothing is pending.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(boost::asio::ip::tcp::socket socket, ServerState& state);
  void start() { read_request(); }

 private:
  using error_code = boost::beast::error_code;
  enum class After { next_request, close };

  void read_request();
  void on_request(error_code ec);
  void answer_flag(std::string_view code, bool keep_alive);
  void refuse(const PreparedResponse& r);  // counted as rejected, then the connection closes
  void send(const PreparedResponse& r, bool keep_alive) {
    send(boost::asio::buffer(r.head(keep_alive)), boost::asio::buffer(r.body.data(), r.body.size()),
         keep_alive ? After::next_request : After::close);
  }
  void send(boost::asio::const_buffer head, boost::asio::const_buffer body, After after);
  void after_send(error_code ec, After after);
  void send_later(const PreparedResponse& r, bool keep_alive, std::chrono::nanoseconds delay);
  void trickle(const PreparedResponse& r, bool keep_alive);
  void trickle_next();
  // Reads and discards until the client closes, `limit` passes or too much
  // arrives, then closes. After a final response (with the sending side shut
  // first, so the client sees the response, not a reset) and for `hang`.
  void drain_then_close(std::chrono::nanoseconds limit);
  void drain();
  void close_now() noexcept;
  void reset_now() noexcept;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  ServerState& state_;
  // Twice the header limit: a header block that hits the limit is detected
  // by the parser, never by a full buffer.
  boost::beast::flat_static_buffer<2 * max_header_bytes> buffer_;
  std::optional<RequestParser> parser_;
  std::string target_;   // the request-target, reused from request to request
  std::string scratch_;  // the decoded target, likewise
  std::string stats_;    // the /stats response being sent

  // The response a `slow` fault is trickling.
  const PreparedResponse* trickled_ = nullptr;
  bool trickle_keep_alive_ = false;
  std::size_t trickle_sent_ = 0;
  std::size_t drained_ = 0;
};

}  // namespace concur
