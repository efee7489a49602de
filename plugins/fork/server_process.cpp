// The fork server's request loop: PREPARE opens a batch, SPAWN forks a worker and passes its socket back, REAP waits for one.
#include "server_process.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <exception>
#include <string>
#include <system_error>
#include <type_traits>

#include "channel.hpp"
#include "child_process.hpp"
#include "limits.hpp"
#include "source_cache.hpp"
#include "wire.hpp"
#include "worker.hpp"

namespace concur_fork {
namespace {

// A suite alternates between its entries; four covers the usual suites.
constexpr std::size_t cached_batches = 4;

std::string error_text(const char* what, int error) {
  return std::string(what) + ": " + std::generic_category().message(error);
}

class Server {
 public:
  Server(const concur::Host& host, UniqueFd control) : control_(std::move(control)), sources_(host, cached_batches) {}

  [[noreturn]] void serve() {
    for (;;) {
      const Received received = receive_message(control_.get(), max_request_bytes);
      if (received.eof) ::_exit(0);  // concur closed the plugin or exited
      Request request;
      try {
        request = decode_request(received.bytes);
      } catch (const std::exception& e) {
        send_message(control_.get(), encode(ErrorReply{std::string("bad request: ") + e.what()}));
        continue;
      }
      std::visit([this](auto& r) { handle(r); }, request);
    }
  }

 private:
  void handle(const PrepareRequest& r) {
    std::string error;
    if (!sources_.get(r.description, error)) return refuse(error);
    send_message(control_.get(), encode(OkReply{}));
  }

  void handle(const SpawnRequest& r) {
    std::string error;
    concur::TaskSource* source = sources_.get(r.description, error);
    if (!source) return refuse(error);
    auto [pool_end, worker_end] = socket_pair();
    const pid_t server = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) return refuse(error_text("fork failed", errno));
    if (pid == 0) {
      // The worker keeps only its own socket: the control socket and the
      // pool's end belong to other processes.
      control_.reset();
      pool_end.reset();
      run_worker(*source, r.worker, std::move(worker_end), server);
    }
    worker_end.reset();
    send_message(control_.get(), encode(SpawnedReply{pid}), pool_end.get());
    // pool_end closes here: the pool holds its own copy now.
  }

  void handle(const ReapRequest& r) {
    int status = 0;
    rusage usage{};
    pid_t got = 0;
    do {
      got = ::wait4(r.pid, &status, 0, &usage);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return refuse(error_text(("wait4(" + std::to_string(r.pid) + ")").c_str(), errno));
    const auto ns = [](const timeval& t) {
      return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + static_cast<std::int64_t>(t.tv_usec) * 1'000;
    };
    send_message(control_.get(), encode(ReapedReply{status, ns(usage.ru_utime) + ns(usage.ru_stime)}));
  }

  void refuse(const std::string& message) { send_message(control_.get(), encode(ErrorReply{message})); }

  UniqueFd control_;
  SourceCache sources_;
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
