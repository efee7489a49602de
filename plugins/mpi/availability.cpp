#include "availability.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <optional>
#include <sstream>

#include "common/ending_text.hpp"
#include "mpirun_process.hpp"
#include "mpirun_report.hpp"

namespace concur_mpi {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (is_executable_file(candidate)) return candidate;
  }
  return {};
}

std::string trial_launch(const std::string& mpirun, const std::string& rank_program) {
  try {
    std::vector<std::string> argv{mpirun};
    if (::geteuid() == 0) argv.push_back("--allow-run-as-root");
    argv.insert(argv.end(), {"--oversubscribe", "-n", "1", rank_program, "--probe"});
    MpirunProcess trial(argv);
    const std::optional<int> status = trial.wait_for(std::chrono::seconds(60));
    if (!status) return "a trial launch of " + mpirun + " did not end within 60s";
    if (*status == 0) return {};
    const std::string summary = mpirun_summary(trial.stderr_text());
    return "a trial launch of " + mpirun + " " + concur_plugins::describe_wait_status(*status) +
           (summary.empty() ? "" : ": " + summary);
  } catch (const std::exception& e) {
    return std::string("a trial launch of ") + mpirun + " failed: " + e.what();
  }
}

}  // namespace concur_mpi
