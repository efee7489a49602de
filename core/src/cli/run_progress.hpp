// RunProgress: `concur run`'s status line on a terminal's stderr (the case running, cases done, time spent and left), cleared for any other output.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace concur::cli {

class RunProgress {
 public:
  // Draws nothing unless `enabled` and stderr is a terminal.
  explicit RunProgress(bool enabled);
  // Clears the line: what follows starts where it was.
  ~RunProgress();
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

  bool shown() const { return shown_; }

  // The plan's size, and how many of its cases an earlier run finished
  // (--resume). Nothing is drawn before.
  void planned(std::size_t total, std::size_t done);
  void started(const std::string& name);
  void finished();
  void tick() { draw(); }  // the clock moved

  // A child's output (stream STDOUT_FILENO or STDERR_FILENO): written after
  // the line is cleared, which is drawn again once the console is at the
  // start of a line.
  void forward(int stream, std::string_view bytes);
  // std::cout for whoever else writes while the line may be shown.
  std::ostream& out() { return out_; }
  // Removes the line, as before output that does not go through this.
  void clear();

 private:
  using Clock = std::chrono::steady_clock;

  // Every write to out(): the line cleared first.
  class ClearingBuf : public std::streambuf {
   public:
    explicit ClearingBuf(RunProgress& progress) : progress_(progress) {}

   protected:
    int overflow(int c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

   private:
    RunProgress& progress_;
  };

  void draw();
  void wrote(int stream, std::string_view bytes);  // where the console's cursor now is
  std::string text() const;

  const bool shown_;
  const bool stdout_shares_console_;  // stdout is a terminal too: its bytes move the cursor
  const Clock::time_point began_ = Clock::now();
  std::size_t total_ = 0, done_ = 0;
  std::string current_;
  Clock::time_point current_began_{};
  Clock::duration measured_{};  // cases started and finished in this run: their time, and how many
  std::size_t measured_cases_ = 0;
  bool drawn_ = false;
  bool at_line_start_ = true;
  ClearingBuf buf_{*this};
  std::ostream out_{&buf_};
};

}  // namespace concur::cli
