#include "run/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "util/spawn_setup.hpp"

extern char** environ;

namespace concur {
namespace {

[[noreturn]] void fail(const std::string& what, int error) {
  throw std::system_error(error, std::generic_category(), what);
}

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void write_all(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", errno);
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == child_out_of_memory) return "ran out of memory";
  if (WIFSIGNALED(status)) {
    const int s = WTERMSIG(status);
    return "killed by signal " + std::to_string(s) + " (" + ::strsignal(s) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

SignalWatch::SignalWatch() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  if (::pthread_sigmask(SIG_BLOCK, &set_, &old_) != 0) fail("pthread_sigmask", errno);
  fd_.reset(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd_) {
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    fail("signalfd", errno);
  }
}

SignalWatch::~SignalWatch() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

int SignalWatch::take() {
  signalfd_siginfo info{};
  if (::read(fd_.get(), &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return 0;
  return static_cast<int>(info.ssi_signo);
}

ChildProcess::ChildProcess(const std::vector<std::string>& arguments, bool capture_output) {
  auto [control_read, control_write] = make_pipe();
  auto [records_read, records_write] = make_pipe();
  std::pair<UniqueFd, UniqueFd> out, err;
  if (capture_output) {
    out = make_pipe();
    err = make_pipe();
  }
  std::vector<std::string> args{"concur"};
  args.insert(args.end(), arguments.begin(), arguments.end());
  args.push_back("--child");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  SpawnSetup setup;
  // dup2 clears close-on-exec on the copies: the child keeps exactly these.
  posix_spawn_file_actions_adddup2(&setup.actions, control_read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, records_write.get(), child_record_fd);
  if (capture_output) {
    posix_spawn_file_actions_adddup2(&setup.actions, out.second.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err.second.get(), STDERR_FILENO);
  }
  posix_spawnattr_setpgroup(&setup.attr, 0);  // a group of its own: killing it takes everything the child started
  setup.fresh_signals(POSIX_SPAWN_SETPGROUP);
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe");
  if (const int rc = ::posix_spawn(&pid_, exe.c_str(), &setup.actions, &setup.attr, argv.data(), environ); rc != 0) {
    fail("cannot start " + exe.string(), rc);
  }
  control_ = std::move(control_write);
  records_ = std::move(records_read);
  stdout_ = std::move(out.first);
  stderr_ = std::move(err.first);
}

void ChildProcess::instruct(const std::string& text) {
  try {
    write_all(control_.get(), text);
  } catch (const std::system_error&) {  // EPIPE: the child is gone
  }
  control_.reset();
}

int ChildProcess::end(int signal, std::chrono::nanoseconds grace) {
  if (pid_ <= 0) return status_;
  ::kill(-pid_, signal);
  const auto deadline = ChildClock::now() + grace;
  for (;;) {
    const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) break;
    if (ChildClock::now() >= deadline) {
      ::kill(-pid_, SIGKILL);
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(-pid_, SIGKILL);  // whatever the child left behind in its group
  pid_ = -1;
  return status_;
}

Wait RecordReader::next(std::string& line, ChildClock::time_point deadline, int& signal) {
  for (;;) {
    if (const std::size_t end = buffer_.find('\n'); end != std::string::npos) {
      line.assign(buffer_, 0, end);
      buffer_.erase(0, end + 1);
      return Wait::line;
    }
    // A negative descriptor is one poll skips: a stream not captured, or ended.
    pollfd fds[4] = {{fd_, POLLIN, 0},
                     {signals_.fd(), POLLIN, 0},
                     {hooks_.child_stdout, POLLIN, 0},
                     {hooks_.child_stderr, POLLIN, 0}};
    long long timeout = hooks_.tick ? 1000 : 60'000;
    if (deadline != ChildClock::time_point::max()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - ChildClock::now()).count();
      if (left <= 0) return Wait::timed_out;
      timeout = std::min<long long>(left, timeout);
    }
    const int r = ::poll(fds, 4, static_cast<int>(timeout));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail("poll", errno);
    if (r == 0 && hooks_.tick) hooks_.tick();
    if ((fds[1].revents & POLLIN) && (signal = signals_.take()) != 0) return Wait::signalled;
    // The child's output before its records: a case's console line comes before the record that ends it.
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) forward(hooks_.child_stdout, STDOUT_FILENO);
    if (fds[3].revents & (POLLIN | POLLHUP | POLLERR)) forward(hooks_.child_stderr, STDERR_FILENO);
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char chunk[65536];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Wait::closed;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
}

bool RecordReader::forward(int& fd, int stream) {
  char chunk[65536];
  ssize_t n;
  do {
    n = ::read(fd, chunk, sizeof chunk);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN) return false;
  if (n <= 0) {
    fd = -1;
    return false;
  }
  if (hooks_.output) hooks_.output(stream, std::string_view(chunk, static_cast<std::size_t>(n)));
  return true;
}

void RecordReader::drain() {
  for (auto [fd, stream] :
       {std::pair{&hooks_.child_stdout, STDOUT_FILENO}, std::pair{&hooks_.child_stderr, STDERR_FILENO}}) {
    // Non-blocking: a process the child left behind may still hold the pipe open.
    if (*fd >= 0) ::fcntl(*fd, F_SETFL, ::fcntl(*fd, F_GETFL) | O_NONBLOCK);
    while (*fd >= 0 && forward(*fd, stream)) {
    }
  }
}

std::vector<std::string> read_instructions(std::istream& in) {
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line == "go") return lines;
    lines.push_back(std::move(line));
  }
  throw std::runtime_error("the supervising concur closed the instructions before 'go'");
}

void limit_memory(std::uint64_t bytes) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  (void)bytes;
#else
  if (bytes == 0) return;
  const rlimit limit{bytes, bytes};
  if (::setrlimit(RLIMIT_AS, &limit) != 0) fail("setrlimit(RLIMIT_AS)", errno);
#endif
}

void send_record(const nlohmann::json& record) {
  try {
    write_all(child_record_fd, record.dump() + '\n');
  } catch (const std::system_error& e) {
    throw std::runtime_error(std::string("writing a record for the supervising concur: ") + e.what());
  }
}

}  // namespace concur
