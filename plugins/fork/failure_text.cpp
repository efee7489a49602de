// Wording of the fork pool's task failures.
#include "failure_text.hpp"

namespace concur_fork {

std::string worker_died_message(pid_t pid, int status) {
  return "worker pid " + std::to_string(pid) + " died running this task: " + describe_wait_status(status);
}

std::string timeout_message(std::chrono::nanoseconds timeout, pid_t pid) {
  return "exceeded the " + format_duration(timeout) + " task timeout; worker pid " + std::to_string(pid) + " killed";
}

}  // namespace concur_fork
