// The fork server's request loop: SPAWN forks a worker and passes its socket back, REAP (optionally kills and) waits for one.
#include "server_process.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <string>
#include <system_error>

#include "channel.hpp"
#include "child_process.hpp"
#include "limits.hpp"
#include "wire.hpp"
#include "worker.hpp"

namespace concur_fork {
namespace {

std::string error_text(const std::string& what, int error) {
  return what + ": " + std::generic_category().message(error);
}

class Server {
 public:
  Server(const concur::Host& host, UniqueFd control) : host_(host), control_(std::move(control)) {}

  [[noreturn]] void serve() {
    for (;;) {
      Received received = receive_message(control_.get(), max_request_bytes);
      if (received.eof) ::_exit(0);  // concur closed the plugin or exited
      Request request;
      try {
        request = decode_request(received.bytes);
      } catch (const std::exception& e) {
        refuse(std::string("bad request: ") + e.what());
        continue;
      }
      if (auto* spawn = std::get_if<SpawnRequest>(&request)) {
        if (!received.fd) {
          refuse("bad request: a spawn request without its claim board");
          continue;
        }
        handle(*spawn, std::move(received.fd));
      } else {
        handle(std::get<ReapRequest>(request));
      }
    }
  }

 private:
  void handle(const SpawnRequest& r, UniqueFd board) {
    auto [pool_end, worker_end] = socket_pair();
    const pid_t server = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) return refuse(error_text("fork failed", errno));
    if (pid == 0) {
      // The worker keeps only its own socket: the control socket and the
      // pool's end belong to other processes.
      control_.reset();
      pool_end.reset();
      run_worker(host_, r.description, {r.worker, r.lanes}, std::move(worker_end), std::move(board), server);
    }
    worker_end.reset();
    board.reset();  // the worker has its own copy
    send_message(control_.get(), encode(Reply{cpu_ns(), SpawnedReply{pid}}), pool_end.get());
    // pool_end closes here: the pool holds its own copy now.
  }

  void handle(const ReapRequest& r) {
    // Only this process may signal the worker: it is the worker's parent and
    // has not reaped it yet, so the pid still names that worker (a zombie at
    // worst) and no other process.
    if (r.kill) ::kill(r.pid, SIGKILL);
    int status = 0;
    rusage usage{};
    pid_t got = 0;
    do {
      got = ::wait4(r.pid, &status, 0, &usage);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return refuse(error_text("wait4(" + std::to_string(r.pid) + ")", errno));
    const auto ns = [](const timeval& t) {
      return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + static_cast<std::int64_t>(t.tv_usec) * 1'000;
    };
    send_message(control_.get(), encode(Reply{cpu_ns(), ReapedReply{status, ns(usage.ru_utime) + ns(usage.ru_stime)}}));
  }

  void refuse(const std::string& message) { send_message(control_.get(), encode(Reply{cpu_ns(), ErrorReply{message}})); }

  // This process's CPU time so far: what its forks and reaps cost.
  static std::int64_t cpu_ns() noexcept {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
  }

  const concur::Host& host_;
  UniqueFd control_;
};

}  // namespace

void run_fork_server(const concur::Host& host, UniqueFd control, pid_t parent) noexcept {
  die_with_parent(parent);
  // REAP relies on wait4: children must not be reaped automatically, whatever
  // concur's SIGCHLD disposition was when it loaded the plugin.
  ::signal(SIGCHLD, SIG_DFL);
  try {
    Server server(host, std::move(control));
    server.serve();
  } catch (...) {
    // The control socket broke (concur is gone) or memory ran out: the pool
    // sees the socket close and reports the server lost.
  }
  ::_exit(1);  // never exit(): the atexit handlers and static objects belong to concur
}

}  // namespace concur_fork
