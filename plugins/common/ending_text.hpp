// Ending text: how the in-tree process strategies word a process's end and a time limit.
#pragma once

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace concur_plugins {

// How a process ended, from its wait status: "killed by signal 6 (Aborted)",
// "exited with status 3".
inline std::string describe_wait_status(int status) {
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

// "100ms", "2s", "1500us": a whole number in the largest unit that fits exactly.
inline std::string format_duration(std::chrono::nanoseconds d) {
  const std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  static constexpr std::array<std::pair<const char*, std::int64_t>, 6> units{{
      {"h", 3'600'000'000'000}, {"m", 60'000'000'000}, {"s", 1'000'000'000}, {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}}};
  for (const auto& [name, factor] : units) {
    if (ns % factor == 0) return std::to_string(ns / factor) + name;
  }
  return std::to_string(ns) + "ns";  // not reached: every count is a whole number of ns
}

}  // namespace concur_plugins
