#include "gate/concur_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

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

  SpawnSetup setup;
  if (quiet) posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  setup.fresh_signals();
  pid_t pid = -1;
  if (const int rc = ::posix_spawn(&pid, executable.c_str(), &setup.actions, &setup.attr, argv.data(), environ); rc != 0) {
    throw std::runtime_error("cannot start " + executable.string() + ": " + std::generic_category().message(rc));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid: " + std::generic_category().message(errno));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace concur
