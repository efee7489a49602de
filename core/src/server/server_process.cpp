#include "server/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "server/stats_client.hpp"
#include "util/spawn_setup.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace concur {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int error) { return std::generic_category().message(error); }

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("concur serve: pipe2 failed: " + errno_text(errno));
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ';';
  }
  return text.empty() ? "(nothing on stderr)" : text;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by ") + ::strsignal(WTERMSIG(status));
  return "stopped";
}

}  // namespace

class ServerProcess::Impl {
 public:
  Impl(const std::vector<std::string>& arguments, const std::filesystem::path& executable,
       std::chrono::milliseconds startup_timeout) {
    auto [stdin_read, stdin_write] = make_pipe();
    auto [stdout_read, stdout_write] = make_pipe();
    // stderr goes to a memory file rather than a pipe: a server logging
    // faults must never block on a pipe nobody reads.
    err_ = UniqueFd(::memfd_create("concur-serve-stderr", MFD_CLOEXEC));
    if (err_.get() < 0) throw std::runtime_error("concur serve: memfd_create failed: " + errno_text(errno));
    stdin_ = std::move(stdin_write);
    stdout_ = std::move(stdout_read);

    std::vector<std::string> args{"concur", "serve", "--port", "0", "--stop-on-stdin-eof"};
    args.insert(args.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    SpawnSetup setup;
    // dup2 clears close-on-exec on the copies, so the child keeps exactly these three.
    posix_spawn_file_actions_adddup2(&setup.actions, stdin_read.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, stdout_write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err_.get(), STDERR_FILENO);
    setup.fresh_signals();  // whatever this thread blocks or ignores, the server must see SIGTERM

    const int rc = ::posix_spawn(&pid_, executable.c_str(), &setup.actions, &setup.attr, argv.data(), environ);
    if (rc != 0) throw std::runtime_error("concur serve: cannot start " + executable.string() + ": " + errno_text(rc));
    // The child's ends: closed here, so that its exit shows as end of file.
    stdin_read.reset();
    stdout_write.reset();

    try {
      url_ = read_url(startup_timeout);
    } catch (...) {
      kill_and_reap();
      throw;
    }
  }

  ~Impl() { stop(std::chrono::seconds(5)); }

  const std::string& url() const noexcept { return url_; }
  pid_t pid() const noexcept { return pid_; }

  std::string stderr_text() const {
    std::string text;
    char chunk[4096];
    for (off_t at = 0;;) {
      const ssize_t n = ::pread(err_.get(), chunk, sizeof chunk, at);
      if (n <= 0) break;
      text.append(chunk, static_cast<std::size_t>(n));
      at += n;
    }
    return text;
  }

  int stop(std::chrono::milliseconds grace) {
    if (pid_ < 0) return status_;
    ::kill(pid_, SIGTERM);
    stdin_.reset();
    const Clock::time_point deadline = Clock::now() + grace;
    while (Clock::now() < deadline) {
      if (reaped(WNOHANG)) return status_;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill_and_reap();
    return status_;
  }

 private:
  // The child is ours and not reaped yet, so pid_ cannot name anyone else.
  void kill_and_reap() noexcept {
    if (pid_ < 0) return;
    ::kill(pid_, SIGKILL);
    reaped(0);
  }

  bool reaped(int flags) noexcept {
    int status = 0;
    pid_t got = 0;
    do {
      got = ::waitpid(pid_, &status, flags);
    } while (got < 0 && errno == EINTR);
    if (got == 0) return false;
    status_ = got == pid_ ? status : -1;
    pid_ = -1;
    return true;
  }

  std::string read_url(std::chrono::milliseconds timeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    std::string line;
    for (;;) {
      if (const std::size_t end = line.find('\n'); end != std::string::npos) {
        line.resize(end);
        break;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{stdout_.get(), POLLIN, 0};
      const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) {
        throw std::runtime_error("concur serve printed no URL within " + std::to_string(timeout.count()) +
                                 " ms: " + one_line(stderr_text()));
      }
      char chunk[512];
      const ssize_t n = ::read(stdout_.get(), chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        reaped(0);
        throw std::runtime_error("concur serve " + describe_status(status_) + " before printing its URL: " +
                                 one_line(stderr_text()));
      }
      line.append(chunk, static_cast<std::size_t>(n));
    }
    // "serving local flags on http://127.0.0.1:PORT/flags"
    const std::size_t at = line.find(" on http://");
    if (!line.starts_with("serving ") || at == std::string::npos) {
      throw std::runtime_error("concur serve printed \"" + line + "\", \"serving <profile> flags on <URL>\" expected");
    }
    return line.substr(at + 4);
  }

  pid_t pid_ = -1;
  int status_ = -1;
  UniqueFd stdin_, stdout_, err_;
  std::string url_;
};

ServerProcess::ServerProcess(std::vector<std::string> arguments, std::filesystem::path executable,
                             std::chrono::milliseconds startup_timeout)
    : impl_(std::make_unique<Impl>(arguments, executable, startup_timeout)) {}
ServerProcess::~ServerProcess() = default;
ServerProcess::ServerProcess(ServerProcess&&) noexcept = default;
ServerProcess& ServerProcess::operator=(ServerProcess&&) noexcept = default;

const std::string& ServerProcess::base_url() const noexcept { return impl_->url(); }
pid_t ServerProcess::pid() const noexcept { return impl_->pid(); }
ServerStats ServerProcess::stats() const { return fetch_stats(impl_->url()); }
std::string ServerProcess::stderr_text() const { return impl_->stderr_text(); }
int ServerProcess::stop(std::chrono::milliseconds grace) { return impl_->stop(grace); }

}  // namespace concur
