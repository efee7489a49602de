// TaskLog: the verbose run's live log of task starts and ends, timestamped and indented by task.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>

namespace concur {

class TaskLog {
 public:
  explicit TaskLog(std::ostream& out) : out_(out) {}

  using Clock = std::chrono::system_clock;

  // "[15:56:50.120]         loiter(2): doing nothing for 200ms..." (indent grows with the index).
  // `when` is now, or for a task that ran in another process, when it happened there.
  void line(std::size_t index, const std::string& label, const std::string& text, Clock::time_point when = Clock::now());
  // "[15:56:50.120] result 2: 20" (no indent: results are listed in submission order).
  void result(std::size_t index, const std::string& text);
  void note(const std::string& text);

 private:
  void stamp(Clock::time_point when = Clock::now());
  std::mutex mutex_;  // lines come from many worker threads at once
  std::ostream& out_;
};

}  // namespace concur
