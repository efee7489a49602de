// MpirunProcess: one mpirun child of concur, with pipes to its stdin, stdout and stderr.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.hpp"

namespace concur_mpi {

using concur_plugins::UniqueFd;

class MpirunProcess {
 public:
  // Starts argv[0] (a path) with `argv`. It stays in concur's process group
  // (so concur's supervisor, killing the group, reaches it) and gets SIGTERM
  // if the thread that started it ends. Throws std::system_error when it
  // cannot be started.
  explicit MpirunProcess(const std::vector<std::string>& argv);
  // Terminates it if it is still running, and reaps it.
  ~MpirunProcess();
  MpirunProcess(const MpirunProcess&) = delete;
  MpirunProcess& operator=(const MpirunProcess&) = delete;

  int stdout_fd() const noexcept { return stdout_.get(); }
  int stderr_fd() const noexcept { return stderr_.get(); }
  // Writes all of `bytes` to its stdin (rank 0's). Throws std::system_error
  // when it has gone.
  void write(std::string_view bytes);

  // Reads what stderr has now without blocking; false at its end.
  bool read_stderr();
  // What it has written on stderr so far (its reports, the ranks' own).
  const std::string& stderr_text() const noexcept { return stderr_text_; }

  // Its user + system CPU so far (from /proc); 0 once it is reaped.
  std::int64_t cpu_ns() const;

  // Waits up to `limit` for it to exit; its wait status, or nullopt.
  std::optional<int> wait_for(std::chrono::nanoseconds limit);
  // SIGTERM (mpirun then ends its ranks), SIGKILL past terminate_grace; its wait status.
  int terminate();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;  // once reaped
  UniqueFd stdin_, stdout_, stderr_;
  std::string stderr_text_;
};

}  // namespace concur_mpi
