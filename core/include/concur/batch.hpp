// Batch: the harness's side of one run; a strategy pulls tasks from it and runs them.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "concur/host.hpp"
#include "concur/io.hpp"
#include "concur/task.hpp"

namespace concur {

// Implemented by the harness. A strategy must run every index in [0, size())
// exactly once, with at most RunOptions::workers tasks in flight, and return
// from Strategy::run only when all have finished. The harness records each
// task's start, end, worker and outcome itself and verifies them afterwards.
class Batch {
 public:
  virtual std::size_t size() const noexcept = 0;

  // The task for `index`, not yet started. `worker` (0 .. workers-1) names the
  // lane running it, for the timeline. `io` must outlive the task.
  virtual Task task(std::size_t index, Io& io, unsigned worker) noexcept = 0;

  // A new Io whose operations block the calling thread (sleep_for, a libcurl
  // easy handle, compute inline). One per worker thread; not thread-safe.
  virtual std::unique_ptr<Io> blocking_io() = 0;

  // For strategies that run tasks in other processes: an opaque description
  // from which Host::open() rebuilds this batch's tasks in a process forked
  // from concur, and the way back for each task's record. Call record() once
  // per index, from the thread that called Strategy::run. The harness then
  // measures in-flight tasks from the reported times.
  virtual std::string description() const = 0;
  virtual void record(const TaskReport& report) noexcept = 0;

 protected:
  ~Batch() = default;
};

}  // namespace concur
