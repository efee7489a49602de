#include "gate/concur_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "run/child_process.hpp"
#include "util/spawn_setup.hpp"

extern char** environ;

namespace concur {

std::filesystem::path this_executable() { return std::filesystem::read_symlink("/proc/self/exe"); }

int run_concur(const std::filesystem::path& executable, const std::vector<std::string>& arguments, bool quiet) {
  std::vector<std::string> args{executable.string()};
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // The run gets a process group of its own and SIGINT and SIGTERM through
  // this process, once each: it stops as `concur run` does on them (results
  // kept, then exit 128 + signal), and the caller learns of it from that.
  SignalWatch signals;
  SpawnSetup setup;
  if (quiet) posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  setup.fresh_signals(POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  if (const int rc = ::posix_spawn(&pid, executable.c_str(), &setup.actions, &setup.attr, argv.data(), environ); rc != 0) {
    throw std::runtime_error("cannot start " + executable.string() + ": " + std::generic_category().message(rc));
  }
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error("waitpid: " + std::generic_category().message(errno));
    pollfd watch{signals.fd(), POLLIN, 0};
    // A child's end raises no event here: a short poll notices it soon enough for runs that take seconds.
    if (::poll(&watch, 1, 50) > 0) {
      if (const int signal = signals.take(); signal != 0) ::kill(pid, signal);
    }
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace concur
