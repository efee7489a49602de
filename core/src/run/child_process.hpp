// ChildProcess: a child concur in a process group of its own, told what to do on its standard input, reporting JSON lines on descriptor 3; and the child's side of that channel.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <istream>
#include <string>
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
  explicit ChildProcess(const std::vector<std::string>& arguments);
  ~ChildProcess() { end(SIGKILL, std::chrono::seconds(0)); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int records() const { return records_.get(); }

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
  UniqueFd control_, records_;
};

enum class Wait { line, closed, timed_out, signalled };

// Lines from a child's record descriptor, with a deadline and the signals watched.
class RecordReader {
 public:
  RecordReader(int fd, SignalWatch& signals) : fd_(fd), signals_(signals) {}
  // `deadline`: ChildClock::time_point::max() for none.
  Wait next(std::string& line, ChildClock::time_point deadline, int& signal);

 private:
  int fd_;
  SignalWatch& signals_;
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
