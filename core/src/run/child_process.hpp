// ChildProcess: a child concur in a process group of its own, told what to do on its standard input, reporting JSON lines on descriptor 3; and the child's side of that channel.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/unique_fd.hpp"

namespace concur {

// The child's end: concur started with --child reads its instructions on
// standard input and writes records, one JSON object per line, to this descriptor.
inline constexpr int child_record_fd = 3;
// A child's exit status when it ran out of memory (its allocations failed
// under its memory limit), so that the parent can say so.
inline constexpr int child_out_of_memory = 3;

using ChildClock = std::chrono::steady_clock;

// "killed by signal 11 (Segmentation fault)", "exited with status 4", "ran out of memory".
std::string describe_wait_status(int status);

// SIGINT and SIGTERM, blocked for as long as this lives and read from a
// signalfd instead, so that they end a wait for a child cleanly.
class SignalWatch {
 public:
  SignalWatch();
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  int fd() const { return fd_.get(); }
  int take();  // the signal that arrived, or 0

 private:
  sigset_t set_{}, old_{};
  UniqueFd fd_;
};

// Killing the group takes the child's fork workers and whatever else it
// started along; the destructor kills and reaps.
class ChildProcess {
 public:
  // Runs this concur with `arguments` (argv[0] excluded) and --child appended.
  // With `capture_output`, the child's standard output and error are pipes
  // read through output(); otherwise they are this process's.
  explicit ChildProcess(const std::vector<std::string>& arguments, bool capture_output = false);
  ~ChildProcess() { end(SIGKILL, std::chrono::seconds(0)); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int records() const { return records_.get(); }
  // The read end of the child's STDOUT_FILENO or STDERR_FILENO; -1 when not captured.
  int output(int stream) const { return (stream == STDOUT_FILENO ? stdout_ : stderr_).get(); }

  // Writes `text` to the child's standard input and closes it. A child that
  // is already gone is not an error here: its exit says why.
  void instruct(const std::string& text);

  // Sends `signal` to the whole group, waits up to `grace` for the child to
  // end, then kills the group; returns the child's wait status.
  int end(int signal, std::chrono::nanoseconds grace);
  // The child closed its end (exited, or is about to): reaps it.
  int reap() { return end(0, std::chrono::seconds(30)); }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  UniqueFd control_, records_, stdout_, stderr_;
};

enum class Wait { line, closed, timed_out, signalled };

// What a RecordReader does besides reading records; all optional.
struct ReaderHooks {
  // A captured child's output (ChildProcess::output, -1 for none), each
  // chunk handed to `output` with its stream (STDOUT_FILENO, STDERR_FILENO) as it comes.
  int child_stdout = -1, child_stderr = -1;
  std::function<void(int stream, std::string_view bytes)> output;
  // Called about once a second while no record comes.
  std::function<void()> tick;
};

// Lines from a child's record descriptor, with a deadline and the signals watched.
class RecordReader {
 public:
  RecordReader(int fd, SignalWatch& signals, ReaderHooks hooks = {})
      : fd_(fd), signals_(signals), hooks_(std::move(hooks)) {}
  // `deadline`: ChildClock::time_point::max() for none.
  Wait next(std::string& line, ChildClock::time_point deadline, int& signal);
  // Once the child is gone: hands on what is left of its captured output, without waiting.
  void drain();

 private:
  // Reads one chunk of a captured stream and hands it on; false when none
  // was there (non-blocking) or at its end (`fd` is then -1).
  bool forward(int& fd, int stream);

  int fd_;
  SignalWatch& signals_;
  ReaderHooks hooks_;
  std::string buffer_;
};

// The child's side: its instructions, up to the line "go" (excluded).
// Throws std::runtime_error when the parent closes them early.
std::vector<std::string> read_instructions(std::istream& in);

// Caps the child's address space at `bytes` (0: no cap), so that running
// out of memory is a failed allocation in the child, never the machine's OOM
// killer. Not under AddressSanitizer or ThreadSanitizer, which reserve
// terabytes of address space. Throws std::runtime_error.
void limit_memory(std::uint64_t bytes);

// Writes one record for the parent. Throws std::runtime_error when it is gone.
void send_record(const nlohmann::json& record);

}  // namespace concur
