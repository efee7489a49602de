#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace concur::cli {

ProgressBar::ProgressBar(std::size_t total, bool enabled) : total_(total), shown_(enabled && ::isatty(STDERR_FILENO)) {
  if (shown_) draw(0);
}

ProgressBar::~ProgressBar() {
  if (!shown_) return;
  if (drawn_ != done_.load()) draw(done_.load());
  std::fputc('\n', stderr);
}

void ProgressBar::tick() noexcept {
  const std::size_t done = done_.fetch_add(1) + 1;
  if (!shown_) return;
  const std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another thread is drawing: the next tick shows this one
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(50)) return;
  last_draw_ = now;
  draw(done);
}

void ProgressBar::draw(std::size_t done) noexcept {
  constexpr std::size_t width = 40;
  const std::size_t filled = total_ == 0 ? width : done * width / total_;
  std::string bar(filled, '#');
  bar.resize(width, ' ');
  std::fprintf(stderr, "\r[%s] %zu/%zu", bar.c_str(), done, total_);
  std::fflush(stderr);
  drawn_ = done;
}

}  // namespace concur::cli
