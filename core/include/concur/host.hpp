// Host: what concur offers out-of-process strategies: rebuilding a batch's tasks in a process forked from concur.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "concur/io.hpp"
#include "concur/outcome.hpp"
#include "concur/task.hpp"

namespace concur {

// One task's record, as a strategy that ran it in another process hands it back
// through Batch::record(). Times are std::chrono::steady_clock nanoseconds
// (CLOCK_MONOTONIC), which every process on the machine shares.
struct TaskReport {
  std::size_t index = 0;
  unsigned worker = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  Outcome outcome;
};

// The tasks of one batch, rebuilt from Batch::description() inside a process
// forked from concur (a fork server or a worker). Not thread-safe.
class TaskSource {
 public:
  virtual ~TaskSource() = default;
  virtual std::size_t size() const noexcept = 0;
  // Like Batch::task; when the task has finished, `report` holds its record.
  // `report` must outlive the task.
  virtual Task task(std::size_t index, Io& io, unsigned worker, TaskReport& report) noexcept = 0;
  // An Io whose operations block the calling thread, made in this process.
  virtual std::unique_ptr<Io> blocking_io() = 0;
};

// Passed to a plugin's factory; lives as long as the concur process (and its forks).
class Host {
 public:
  // Rebuilds the tasks that `description` (from Batch::description()) names,
  // generating their inputs. On failure returns null and sets `error`.
  virtual std::unique_ptr<TaskSource> open(std::string_view description, std::string& error) const noexcept = 0;

 protected:
  ~Host() = default;
};

}  // namespace concur
