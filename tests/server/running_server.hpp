// A FlagServer running on its own thread for as long as the object lives, and the flag set the tests share.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "server/flag_server.hpp"

namespace concur_server_test {

// Built once for the whole test program: every server of seed 42 serves it.
inline std::shared_ptr<const concur::FlagSet> flags_42() {
  static const auto flags = std::make_shared<const concur::FlagSet>(42);
  return flags;
}

class RunningServer {
 public:
  explicit RunningServer(concur::FlagServerOptions options = {})
      : server_(options, options.seed == 42 ? flags_42() : nullptr), thread_([this] { server_.run(); }) {}
  ~RunningServer() {
    server_.stop();
    thread_.join();
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  concur::FlagServer& server() noexcept { return server_; }
  const concur::FlagSet& flags() const noexcept { return server_.flags(); }
  std::uint16_t port() const noexcept { return server_.port(); }
  // "http://127.0.0.1:PORT" + path
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port()) + path; }
  std::string flag_url(const std::string& cc) const { return url("/flags/" + cc + "/" + cc + ".gif"); }
  concur::ServerStats stats() const { return server_.stats(); }

 private:
  concur::FlagServer server_;
  std::thread thread_;
};

}  // namespace concur_server_test
