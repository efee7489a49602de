#include "results/gnuplot_runner.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/spawn_setup.hpp"

extern char** environ;

namespace concur {

std::optional<std::filesystem::path> find_gnuplot() {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::stringstream folders(path);
  for (std::string folder; std::getline(folders, folder, ':');) {
    if (folder.empty()) continue;  // the current folder: never run a program from wherever the user stands
    const std::filesystem::path candidate = std::filesystem::path(folder) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate)) return candidate;
  }
  return std::nullopt;
}

std::string gnuplot_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

void run_gnuplot(const std::string& script, const std::filesystem::path& work_dir) {
  const std::optional<std::filesystem::path> gnuplot = find_gnuplot();
  if (!gnuplot) throw GnuplotMissing();
  const std::filesystem::path script_file = work_dir / "chart.gp", messages = work_dir / "gnuplot.err";
  {
    std::ofstream out(script_file);
    out << script;
    if (!out.flush()) throw std::runtime_error("cannot write " + script_file.string());
  }

  SpawnSetup setup;
  setup.fresh_signals();
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, messages.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  std::string program = gnuplot->string(), argument = script_file.string();
  std::vector<char*> argv{program.data(), argument.data(), nullptr};
  pid_t pid = 0;
  if (const int rc = ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, argv.data(), environ)) {
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("waiting for gnuplot: ") + std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;

  std::ifstream in(messages);
  std::string line, complaint;
  // gnuplot echoes the offending line, then a caret line, then the message: keep the last words it said.
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t^") != std::string::npos) complaint = line;
  }
  const std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                            : "was killed by signal " + std::to_string(WTERMSIG(status));
  throw std::runtime_error("gnuplot " + how + (complaint.empty() ? "" : ": " + complaint));
}

}  // namespace concur
