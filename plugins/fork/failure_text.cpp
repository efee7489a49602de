// Wording of the fork pool's task failures.
#include "failure_text.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace concur_fork {

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    // sigdescr_np would be thread-safe but is glibc >= 2.32 only; strsignal's
    // text for a valid signal is a constant.
    std::string text = "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
    if (WCOREDUMP(status)) text += ", core dumped";
    return text;
  }
  return "ended with wait status " + std::to_string(status);
}

std::string format_duration(std::chrono::nanoseconds d) {
  const std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  static constexpr std::array<std::pair<const char*, std::int64_t>, 6> units{{
      {"h", 3'600'000'000'000}, {"m", 60'000'000'000}, {"s", 1'000'000'000}, {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}}};
  for (const auto& [name, factor] : units) {
    if (ns % factor == 0) return std::to_string(ns / factor) + name;
  }
  return std::to_string(ns) + "ns";  // not reached: every count is a whole number of ns
}

std::string worker_died_message(pid_t pid, int status) {
  return "worker pid " + std::to_string(pid) + " died running this task: " + describe_wait_status(status);
}

std::string timeout_message(std::chrono::nanoseconds timeout, pid_t pid) {
  return "exceeded the " + format_duration(timeout) + " task timeout; worker pid " + std::to_string(pid) + " killed";
}

}  // namespace concur_fork
