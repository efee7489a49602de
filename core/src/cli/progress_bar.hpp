// ProgressBar: "[#####     ] 312/676" redrawn on stderr as tasks end, when stderr is a terminal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>

namespace concur::cli {

class ProgressBar {
 public:
  // Draws nothing unless `enabled` and stderr is a terminal.
  ProgressBar(std::size_t total, bool enabled);
  // Ends the bar's line.
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // One more task ended; from any thread. Redraws at most every 50 ms.
  void tick() noexcept;

 private:
  void draw(std::size_t done) noexcept;

  const std::size_t total_;
  const bool shown_;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;  // one redraw at a time
  std::chrono::steady_clock::time_point last_draw_{};
  std::size_t drawn_ = 0;  // the count last drawn (under mutex_, or after every tick)
};

}  // namespace concur::cli
