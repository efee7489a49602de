// Runs `concur serve` as a child process for as long as an object lives, and tells where it listens.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "server/server_stats.hpp"

namespace concur {

class ServerProcess {
 public:
  // Starts `executable serve --port 0 <arguments...>` (arguments such as
  // {"--profile", "error", "--seed", "7"}) with posix_spawn, safe in a
  // process that has threads, and waits for the line that gives its URL.
  // The default executable is the running concur itself. Throws
  // std::runtime_error if the child cannot start, exits first or prints no
  // URL within `startup_timeout`, quoting what it wrote to stderr.
  explicit ServerProcess(std::vector<std::string> arguments = {},
                         std::filesystem::path executable = "/proc/self/exe",
                         std::chrono::milliseconds startup_timeout = std::chrono::seconds(10));
  // stop() with its default grace.
  ~ServerProcess();
  ServerProcess(ServerProcess&&) noexcept;
  ServerProcess& operator=(ServerProcess&&) noexcept;

  // "http://127.0.0.1:PORT/flags", as the server printed it.
  const std::string& base_url() const noexcept;
  pid_t pid() const noexcept;  // -1 once stopped
  ServerStats stats() const;   // fetch_stats(base_url())
  // What the server wrote to stderr so far (its fault log, with --log-faults).
  std::string stderr_text() const;

  // SIGTERM, SIGKILL if it has not exited after `grace`, then reaps it; the
  // child also stops when this process dies (its stdin is a pipe from here).
  // Returns the wait status (waitpid's); later calls return the same.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concur
