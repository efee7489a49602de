// Host: what concur offers out-of-process strategies: rebuilding a batch's tasks in a process forked from concur.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "concur/io.hpp"
#include "concur/task.hpp"

namespace concur {

// A sealed record (TaskSource::task) is never longer than this: a task's
// digest and message are cut to 64 KiB each before sealing.
inline constexpr std::size_t max_record_bytes = 2 * 64 * 1024 + 256;

// The tasks of one batch, rebuilt from Batch::description() inside a process
// forked from concur (a worker, a fork server). Not thread-safe.
class TaskSource {
 public:
  virtual ~TaskSource() = default;
  virtual std::size_t size() const noexcept = 0;
  // Like Batch::task. When the task has finished, `record` holds its sealed
  // record: the harness's own measurement of the task (start and end on
  // CLOCK_MONOTONIC, which every process on the machine shares, worker,
  // outcome), in bytes a strategy cannot forge. Hand them unchanged to
  // Batch::record() in the concur process. `record` must outlive the task.
  virtual Task task(std::size_t index, Io& io, unsigned worker, std::string& record) noexcept = 0;
  // An Io whose operations block the calling thread, made in this process.
  virtual std::unique_ptr<Io> blocking_io() = 0;
};

// Passed to a plugin's factory; lives as long as the concur process (and its forks).
class Host {
 public:
  // Rebuilds the tasks that `description` (from Batch::description()) names.
  // Works only in a process forked from concur, never in concur's own: the
  // inputs are not generated again but mapped from concur's copy. On failure
  // returns null and sets `error`.
  virtual std::unique_ptr<TaskSource> open(std::string_view description, std::string& error) const noexcept = 0;

  // False when concur creates plugins only to describe them (`concur list`):
  // a strategy then starts no process and no thread.
  virtual bool will_run() const noexcept = 0;

 protected:
  ~Host() = default;
};

}  // namespace concur
