#include "server/http_connection.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <iostream>

#include "server/request_decision.hpp"

namespace concur {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// A `slow` response's body goes out in this many pieces, evenly spread over
// the configured time.
constexpr std::size_t slow_pieces = 10;
// How long a final response waits for the client to close before the socket
// goes, and how much it may still read meanwhile (the rest of an oversized
// request, typically).
constexpr std::chrono::seconds linger_limit{2};
constexpr std::size_t drain_limit_bytes = 1 << 20;

}  // namespace

HttpConnection::HttpConnection(asio::ip::tcp::socket socket, ServerState& state)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), state_(state) {
  target_.reserve(128);
  scratch_.reserve(128);
}

void HttpConnection::read_request() {
  parser_.emplace(target_);
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_request(ec); });
}

void HttpConnection::on_request(error_code ec) {
  ServerCounters& count = state_.counters;
  const ResponseSet& responses = state_.responses;
  const RequestDecision d = decide_request(*parser_, ec, target_, scratch_);
  switch (d.action) {
    case RequestAction::close: return close_now();
    case RequestAction::refuse_body: return refuse(responses.body_refused());
    case RequestAction::refuse_header: return refuse(responses.header_too_large());
    case RequestAction::bad_request: return refuse(responses.bad_request());
    case RequestAction::method_not_allowed:
      ServerCounters::bump(count.other_rejected);
      return send(responses.method_not_allowed(), d.keep_alive);
    case RequestAction::flag: return answer_flag(d.code, d.keep_alive);
    case RequestAction::manifest:
      ServerCounters::bump(count.other_ok);
      return send(responses.manifest(), d.keep_alive);
    case RequestAction::stats: {
      // Counted first, so the figures include the request that asks for them.
      ServerCounters::bump(count.other_ok);
      const std::string body = stats_json(count.snapshot());
      stats_ = response_head(200, "application/json", body.size(), d.keep_alive) + body;
      return send(asio::buffer(stats_), asio::const_buffer(), d.keep_alive ? After::next_request : After::close);
    }
    case RequestAction::not_found:
      ServerCounters::bump(count.other_not_found);
      return send(responses.not_found(), d.keep_alive);
  }
}

void HttpConnection::answer_flag(std::string_view code, bool keep_alive) {
  ServerCounters& count = state_.counters;
  const FlagFile* file = state_.flags->find(code);
  const PreparedResponse& response =
      file ? state_.responses.flag(static_cast<std::size_t>(file - state_.flags->files().data()))
           : state_.responses.not_found();

  const FaultKind fault = state_.faults.next();
  ServerCounters::bump(count.requests);
  ServerCounters::bump(fault_fails_request(fault) ? count.error : file ? count.ok : count.not_found);
  if (fault == FaultKind::none) return send(response, keep_alive);
  ServerCounters::bump(count.faults[static_cast<std::size_t>(fault)]);
  if (state_.options.log_faults) std::cerr << "flag server: fault " << fault_name(fault) << " on GET " << target_ << '\n';

  const FaultConfig& faults = state_.options.faults;
  switch (fault) {
    case FaultKind::none: break;
    case FaultKind::error: return send(state_.responses.error(state_.faults.error_status()), keep_alive);
    case FaultKind::delay: return send_later(response, keep_alive, faults.delay);
    case FaultKind::blackout: return close_now();
    case FaultKind::reset: return reset_now();
    case FaultKind::hang: return drain_then_close(faults.hang);
    case FaultKind::slow: return trickle(response, keep_alive);
    case FaultKind::truncate: {
      // The full length announced, half the body sent, then the connection closes.
      const std::string_view head = response.head(false);
      return send(asio::buffer(head), asio::buffer(response.body.data(), response.body.size() / 2), After::close);
    }
    case FaultKind::malformed: {
      const std::string_view bytes = state_.responses.malformed(state_.faults.error_status());
      return send(asio::buffer(bytes), asio::const_buffer(), After::close);
    }
  }
}

void HttpConnection::refuse(const PreparedResponse& r) {
  ServerCounters::bump(state_.counters.other_rejected);
  send(r, false);
}

void HttpConnection::send(asio::const_buffer head, asio::const_buffer body, After after) {
  asio::async_write(socket_, std::array<asio::const_buffer, 2>{head, body},
                    [self = shared_from_this(), after](error_code ec, std::size_t) { self->after_send(ec, after); });
}

void HttpConnection::after_send(error_code ec, After after) {
  if (ec) return close_now();
  if (after == After::next_request) return read_request();
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  drain_then_close(linger_limit);
}

void HttpConnection::send_later(const PreparedResponse& r, bool keep_alive, std::chrono::nanoseconds delay) {
  timer_.expires_after(delay);
  timer_.async_wait([self = shared_from_this(), &r, keep_alive](error_code ec) {
    if (!ec) self->send(r, keep_alive);
  });
}

void HttpConnection::trickle(const PreparedResponse& r, bool keep_alive) {
  trickled_ = &r;
  trickle_keep_alive_ = keep_alive;
  trickle_sent_ = 0;
  asio::async_write(socket_, asio::buffer(r.head(keep_alive)), [self = shared_from_this()](error_code ec, std::size_t) {
    if (ec) return self->close_now();
    self->trickle_next();
  });
}

void HttpConnection::trickle_next() {
  const std::span<const std::uint8_t> body = trickled_->body;
  if (trickle_sent_ == body.size()) return after_send({}, trickle_keep_alive_ ? After::next_request : After::close);
  const std::size_t piece = (body.size() + slow_pieces - 1) / slow_pieces;
  const std::size_t pieces = (body.size() + piece - 1) / piece;
  timer_.expires_after(state_.options.faults.slow / static_cast<long>(pieces));
  timer_.async_wait([self = shared_from_this(), piece](error_code ec) {
    if (ec) return;
    const std::span<const std::uint8_t> rest = self->trickled_->body.subspan(self->trickle_sent_);
    const std::size_t n = std::min(piece, rest.size());
    asio::async_write(self->socket_, asio::buffer(rest.data(), n), [self, n](error_code e, std::size_t) {
      if (e) return self->close_now();
      self->trickle_sent_ += n;
      self->trickle_next();
    });
  });
}

void HttpConnection::drain_then_close(std::chrono::nanoseconds limit) {
  drained_ = 0;
  timer_.expires_after(limit);
  timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec) self->close_now();
  });
  drain();
}

void HttpConnection::drain() {
  buffer_.consume(buffer_.size());
  socket_.async_read_some(buffer_.prepare(buffer_.max_size()), [self = shared_from_this()](error_code ec, std::size_t n) {
    self->drained_ += n;
    if (ec || self->drained_ > drain_limit_bytes) return self->close_now();
    self->drain();
  });
}

void HttpConnection::close_now() noexcept {
  error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
}

void HttpConnection::reset_now() noexcept {
  // A zero linger time makes close() send RST and drop anything unsent.
  error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  close_now();
}

}  // namespace concur
