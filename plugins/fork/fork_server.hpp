// ForkServer: the concur side of the fork server process: starting it, its SPAWN and REAP requests, and its CPU time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "concur/host.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// The server answered a request with an error (a description the host cannot
// open, a failed fork); the server itself is still usable.
class ServerRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server is gone or answers nonsense: every later request fails too.
class ServerLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SpawnedWorker {
  pid_t pid = 0;
  UniqueFd socket;  // the pool's end of the worker's SOCK_SEQPACKET socket
};

struct ReapedWorker {
  int status = 0;            // from wait4
  double cpu_seconds = 0;    // user + system
};

class ForkServer {
 public:
  // Forks the server process. Only safe while this process has a single
  // thread; the caller checks. Throws std::system_error when fork fails.
  explicit ForkServer(const concur::Host& host);
  // Closes the control socket, on which the server exits, and reaps it.
  ~ForkServer();
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;

  pid_t pid() const noexcept { return pid_; }

  // Each throws ServerRefused or ServerLost.
  // A worker for lane `worker` of `lanes`, claiming tasks from the board behind `board_fd`.
  SpawnedWorker spawn(std::string_view description, unsigned worker, unsigned lanes, int board_fd);
  // Waits for `worker` to end (SIGKILLed first by the server, with `kill`).
  ReapedWorker reap(pid_t worker, bool kill);

  // CPU the server spent since the last call (as its replies tell it).
  double take_cpu_seconds() noexcept;

 private:
  // Sends one request (and `fd` with it, when >= 0) and returns the reply; a
  // ServerLost makes the server unusable.
  struct Answer;
  Answer request(const std::string& message, int fd = -1);
  // Marks the server unusable and throws ServerLost.
  [[noreturn]] void lose(const std::string& why);

  pid_t pid_ = -1;
  UniqueFd control_;
  std::string lost_;  // why the server is unusable; empty while it works
  std::int64_t cpu_seen_ns_ = 0;   // the server's CPU time in its latest reply
  std::int64_t cpu_taken_ns_ = 0;  // ... as of the last take_cpu_seconds()
};

}  // namespace concur_fork
