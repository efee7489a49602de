#include "run/task_log.hpp"

#include <chrono>
#include <ctime>
#include <iomanip>

namespace concur {

void TaskLog::stamp(Clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  out_ << '[' << std::put_time(&tm, "%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << ms
       << std::setfill(' ') << "] ";
}

void TaskLog::line(std::size_t index, const std::string& label, const std::string& text, Clock::time_point when) {
  // Indentation shows which tasks overlap, as in the executor demo; capped so
  // large batches stay readable.
  constexpr std::size_t max_depth = 12;
  std::lock_guard lock(mutex_);
  stamp(when);
  out_ << std::string(4 * (index % (max_depth + 1)), ' ') << label << ": " << text << '\n' << std::flush;
}

void TaskLog::result(std::size_t index, const std::string& text) {
  std::lock_guard lock(mutex_);
  stamp();
  out_ << "result " << index << ": " << text << '\n' << std::flush;
}

void TaskLog::note(const std::string& text) {
  std::lock_guard lock(mutex_);
  stamp();
  out_ << text << '\n' << std::flush;
}

}  // namespace concur
