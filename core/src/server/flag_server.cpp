#include "server/flag_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <stdexcept>

#include "server/http_connection.hpp"
#include "server/server_state.hpp"

namespace concur {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using error_code = boost::system::error_code;

FlagServerOptions checked(FlagServerOptions options) {
  options.faults.validate();
  return options;
}

std::shared_ptr<const FlagSet> flags_for(const FlagServerOptions& options, std::shared_ptr<const FlagSet> given) {
  return given ? std::move(given) : std::make_shared<const FlagSet>(options.seed);
}

// Watches standard input and calls `on_end` once it reaches end of file or fails.
class StdinWatch {
 public:
  StdinWatch(asio::io_context& io, std::function<void()> on_end)
      : in_(io, ::dup(STDIN_FILENO)), on_end_(std::move(on_end)) {
    read();
  }

 private:
  void read() {
    in_.async_read_some(asio::buffer(discard_), [this](error_code ec, std::size_t) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) return on_end_();
      read();
    });
  }

  asio::posix::stream_descriptor in_;
  std::function<void()> on_end_;
  std::array<char, 256> discard_{};
};

}  // namespace

class FlagServer::Impl {
 public:
  Impl(FlagServerOptions options, std::shared_ptr<const FlagSet> flags)
      : state_(checked(options), flags_for(options, std::move(flags))), acceptor_(io_), pause_(io_) {
    listen();
    accept();
  }

  std::uint16_t port() const noexcept { return port_; }
  std::string url() const {
    const asio::ip::address a = acceptor_.local_endpoint().address();
    std::string host;
    if (a.is_unspecified()) host = a.is_v6() ? "[::1]" : "127.0.0.1";
    else host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
    return "http://" + host + ":" + std::to_string(port_) + "/flags";
  }
  const FlagSet& flags() const noexcept { return *state_.flags; }
  ServerStats stats() const noexcept { return state_.counters.snapshot(); }

  void run() { io_.run(); }
  int run_until_signal(bool stop_on_stdin_eof) {
    int received = 0;
    asio::signal_set signals(io_, SIGINT, SIGTERM);
    signals.async_wait([this, &received](error_code ec, int signal) {
      if (ec) return;
      received = signal;
      io_.stop();
    });
    std::optional<StdinWatch> stdin_watch;
    if (stop_on_stdin_eof) stdin_watch.emplace(io_, [this] { io_.stop(); });
    io_.run();
    return received;
  }
  void stop() { io_.stop(); }

 private:
  void listen() {
    const std::string& address = state_.options.address;
    error_code ec;
    const asio::ip::address ip = asio::ip::make_address(address, ec);
    if (ec) throw std::invalid_argument("flag server: bind address \"" + address + "\": an IPv4 or IPv6 address expected");
    const tcp::endpoint endpoint(ip, state_.options.port);
    const std::string where = (ip.is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(endpoint.port());
    const auto check = [&where](const error_code& e) {
      if (e) throw std::runtime_error("cannot listen on " + where + ": " + e.message());
    };
    acceptor_.open(endpoint.protocol(), ec);
    check(ec);
    // Restarting on the port of a server that just stopped must not wait for
    // its TIME_WAIT connections; Linux still refuses a port someone listens on.
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    check(ec);
    acceptor_.bind(endpoint, ec);
    check(ec);
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    check(ec);
    port_ = acceptor_.local_endpoint().port();
  }

  void accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors, typically: try again shortly rather than spin.
        pause_.expires_after(std::chrono::milliseconds(50));
        pause_.async_wait([this](error_code e) {
          if (!e) accept();
        });
        return;
      }
      ServerCounters::bump(state_.counters.connections);
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<HttpConnection>(std::move(socket), state_)->start();
      accept();
    });
  }

  // Declared first, destroyed last: connections still queued in io_ refer to it.
  ServerState state_;
  // One thread runs the context: the hint lets Asio skip some locking.
  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  asio::steady_timer pause_;
  std::uint16_t port_ = 0;
};

FlagServer::FlagServer(FlagServerOptions options, std::shared_ptr<const FlagSet> flags)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(flags))) {}
FlagServer::~FlagServer() = default;

std::uint16_t FlagServer::port() const noexcept { return impl_->port(); }
std::string FlagServer::url() const { return impl_->url(); }
const FlagSet& FlagServer::flags() const noexcept { return impl_->flags(); }
void FlagServer::run() { impl_->run(); }
int FlagServer::run_until_signal(bool stop_on_stdin_eof) { return impl_->run_until_signal(stop_on_stdin_eof); }
void FlagServer::stop() { impl_->stop(); }
ServerStats FlagServer::stats() const { return impl_->stats(); }

}  // namespace concur
