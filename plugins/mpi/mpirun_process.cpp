#include "mpirun_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include "limits.hpp"

namespace concur_mpi {
namespace {

// Its stderr is kept for error messages; a runaway one is cut here.
constexpr std::size_t max_stderr_bytes = 1 << 20;

void pipe_pair(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe for mpirun");
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
}

}  // namespace

MpirunProcess::MpirunProcess(const std::vector<std::string>& argv) {
  UniqueFd child_in, child_out, child_err;
  // Its stdin is a socket, not a pipe, so that a write to a rank 0 that has
  // gone fails with EPIPE (MSG_NOSIGNAL) instead of raising SIGPIPE in concur.
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    throw std::system_error(errno, std::generic_category(), "socket for mpirun's stdin");
  }
  stdin_.reset(sockets[0]);
  child_in.reset(sockets[1]);
  pipe_pair(stdout_, child_out);
  pipe_pair(stderr_, child_err);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork for mpirun");
  if (pid_ == 0) {
    // Only async-signal-safe calls from here to exec: concur may have threads.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    if (::dup2(child_in.get(), STDIN_FILENO) < 0 || ::dup2(child_out.get(), STDOUT_FILENO) < 0 ||
        ::dup2(child_err.get(), STDERR_FILENO) < 0) {
      ::_exit(127);
    }
    // Nothing else of concur's (its inputs file, sockets, other pipes) goes to the job.
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::fcntl(stdout_.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(stderr_.get(), F_SETFL, O_NONBLOCK);
}

void MpirunProcess::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(stdin_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "writing to mpirun");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

MpirunProcess::~MpirunProcess() {
  if (!status_) terminate();
}

bool MpirunProcess::read_stderr() {
  if (!stderr_) return false;
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(stderr_.get(), chunk, sizeof chunk);
    if (n > 0) {
      if (stderr_text_.size() < max_stderr_bytes) stderr_text_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    stderr_.reset();
    return false;
  }
}

std::int64_t MpirunProcess::cpu_ns() const {
  if (status_) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return (utime + stime) * (1'000'000'000 / ::sysconf(_SC_CLK_TCK));
}

std::optional<int> MpirunProcess::wait_for(std::chrono::nanoseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    read_stderr();
    int status = 0;
    const pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == pid_) {
      read_stderr();
      status_ = status;
      return status;
    }
    if (got < 0 && errno != EINTR) {
      status_ = 0;
      return 0;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int MpirunProcess::terminate() {
  if (status_) return *status_;
  ::kill(pid_, SIGTERM);
  if (const std::optional<int> status = wait_for(terminate_grace)) return *status;
  ::kill(pid_, SIGKILL);
  return *wait_for(std::chrono::hours(1));
}

}  // namespace concur_mpi
