#include "cli/run_progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

namespace concur::cli {
namespace {

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a console that is gone: nothing to tell it
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// "0:42", "1:05:00".
std::string clock_text(std::chrono::steady_clock::duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  }
  return text;
}

// `text` cut to `columns` columns; UTF-8 continuation bytes take none.
std::string fit(const std::string& text, std::size_t columns) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool continuation = (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
    if (!continuation && ++used > columns) return text.substr(0, i);
  }
  return text;
}

}  // namespace

RunProgress::RunProgress(bool enabled)
    : shown_(enabled && ::isatty(STDERR_FILENO)), stdout_shares_console_(::isatty(STDOUT_FILENO)) {}

RunProgress::~RunProgress() { clear(); }

void RunProgress::planned(std::size_t total, std::size_t done) {
  total_ = total;
  done_ = done;
}

void RunProgress::started(const std::string& name) {
  current_ = name;
  current_began_ = Clock::now();
  draw();
}

void RunProgress::finished() {
  ++done_;
  if (!current_.empty()) {  // a case that never began (not run) tells nothing of the time a case takes
    measured_ += Clock::now() - current_began_;
    ++measured_cases_;
  }
  current_.clear();
  draw();
}

std::string RunProgress::text() const {
  const Clock::time_point now = Clock::now();
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on a chain of + here.
  std::string line = "[";
  line += std::to_string(done_);
  line += '/';
  line += std::to_string(total_);
  line += " done]";
  if (!current_.empty()) (line += ' ') += current_;
  ((line += " | ") += clock_text(now - began_)) += " elapsed | ";
  if (measured_cases_ == 0) return line + "estimating\u2026";
  // What is left at the pace of the cases so far, less what the current one has already had.
  const std::size_t left = total_ > done_ ? total_ - done_ : 0;
  Clock::duration eta = measured_ / measured_cases_ * static_cast<Clock::rep>(left);
  if (!current_.empty()) eta -= std::min(eta, now - current_began_);
  return line + "~" + clock_text(eta) + " left";
}

void RunProgress::draw() {
  if (!shown_ || !at_line_start_ || total_ == 0) return;  // nothing to tell before the plan
  std::cout.flush();  // what came before the line stays above it
  winsize size{};
  const std::size_t columns = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? size.ws_col : 80;
  // One column short of the width: a line that wraps could not be cleared with \r.
  write_all(STDERR_FILENO, "\r\033[K" + fit(text(), columns - 1));
  drawn_ = true;
}

void RunProgress::clear() {
  if (!drawn_) return;
  write_all(STDERR_FILENO, "\r\033[K");
  drawn_ = false;
}

void RunProgress::wrote(int stream, std::string_view bytes) {
  if (!bytes.empty() && (stream == STDERR_FILENO || stdout_shares_console_)) at_line_start_ = bytes.back() == '\n';
}

void RunProgress::forward(int stream, std::string_view bytes) {
  clear();
  if (stream == STDOUT_FILENO) std::cout.flush();  // the supervisor's own lines first
  write_all(stream, bytes);
  wrote(stream, bytes);
  draw();
}

int RunProgress::ClearingBuf::overflow(int c) {
  if (c == traits_type::eof()) return traits_type::not_eof(c);
  const char ch = static_cast<char>(c);
  return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
}

std::streamsize RunProgress::ClearingBuf::xsputn(const char* s, std::streamsize n) {
  progress_.clear();
  const std::streamsize written = std::cout.rdbuf()->sputn(s, n);
  progress_.wrote(STDOUT_FILENO, std::string_view(s, static_cast<std::size_t>(n)));
  return written;
}

int RunProgress::ClearingBuf::sync() {
  std::cout.flush();
  progress_.draw();
  return 0;
}

}  // namespace concur::cli
