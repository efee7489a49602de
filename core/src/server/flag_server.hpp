// The embedded flag server: serves /flags/<cc>/<cc>.gif, the manifest and /stats over HTTP/1.1, injecting seeded faults.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "server/faults.hpp"
#include "server/flag_set.hpp"
#include "server/server_stats.hpp"

namespace concur {

struct FlagServerOptions {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal to bind
  std::uint16_t port = 0;              // 0: any free port (see FlagServer::port())
  std::uint64_t seed = 42;             // the flag images and the fault draws
  FaultConfig faults;                  // none by default
  bool log_faults = false;             // one stderr line per injected fault
};

// One thread runs everything (Asio, asynchronous): delays and trickles are
// timers, so a thousand delayed responses cost no thread. What each fault
// does and which requests count where: docs/FLAG_SERVER.md.
class FlagServer {
 public:
  // Builds the flags from options.seed unless `flags` is given (tests share
  // one set between servers), then binds and listens. Throws
  // std::invalid_argument for a bad address or fault configuration and
  // std::runtime_error "cannot listen on ADDRESS:PORT: <errno text>".
  explicit FlagServer(FlagServerOptions options, std::shared_ptr<const FlagSet> flags = nullptr);
  ~FlagServer();
  FlagServer(const FlagServer&) = delete;
  FlagServer& operator=(const FlagServer&) = delete;

  std::uint16_t port() const noexcept;  // the bound port
  // "http://127.0.0.1:8001/flags": the bound address (loopback when bound to
  // 0.0.0.0 or ::), so that a client can use it as is.
  std::string url() const;
  const FlagSet& flags() const noexcept;

  // Serves on the calling thread until stop(); call once.
  void run();
  // As run(), and also stops on SIGINT or SIGTERM (returning the signal, or 0
  // after stop()) and, when `stop_on_stdin_eof`, when standard input reaches
  // end of file: a parent holding the other end of a pipe dies, the server
  // goes too.
  int run_until_signal(bool stop_on_stdin_eof = false);
  // From any thread, at any time, even before run(); open connections are
  // dropped.
  void stop();
  // A snapshot of the counters, from any thread.
  ServerStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concur
