// Batch: the harness's side of one run; a strategy pulls tasks from it and runs them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "concur/host.hpp"
#include "concur/io.hpp"
#include "concur/task.hpp"

namespace concur {

// Implemented by the harness. A strategy must run every index in [0, size())
// exactly once, with at most RunOptions::workers tasks in flight, and return
// from Strategy::run only when all have finished. The harness records each
// task's start, end, worker and outcome itself and verifies them afterwards;
// every task must start and end inside Strategy::run.
class Batch {
 public:
  virtual std::size_t size() const noexcept = 0;

  // The task for `index`, not yet started. `worker` (0 .. workers-1) names the
  // lane running it, for the timeline. `io` must outlive the task.
  virtual Task task(std::size_t index, Io& io, unsigned worker) noexcept = 0;

  // A new Io whose operations block the calling thread (sleep_for, a libcurl
  // easy handle, compute inline). One per worker thread; not thread-safe.
  virtual std::unique_ptr<Io> blocking_io() = 0;

  // For strategies that run tasks in other processes (isolates_tasks()):
  // an opaque description from which Host::open() rebuilds this batch's
  // tasks there, the same for every batch of a case.
  virtual std::string description() const = 0;

  // For strategies whose workers concur does not fork (ranks on other hosts):
  // an opaque ticket from which concur::open_remote() (remote.hpp) rebuilds
  // this batch's tasks in any process, the same for every batch of a case.
  // It carries the key that seals records: pass it to your workers only, over
  // channels you trust, and never log it. Empty when the batch cannot be
  // rebuilt that way.
  virtual std::string remote_ticket() const { return {}; }

  // The record a TaskSource sealed when its task finished, handed over
  // unchanged. Call once per index, from the thread that called
  // Strategy::run. The harness checks the seal and that the task ran inside
  // this run; a record that fails either check fails the case.
  virtual void record(std::string_view sealed) noexcept = 0;

  // Task `index` was lost with the process running it (it crashed, or was
  // killed past the task timeout): recorded as an error outcome saying `why`,
  // from `started_ns` (std::chrono::steady_clock, when it was handed out) to now.
  virtual void fail(std::size_t index, unsigned worker, std::int64_t started_ns, std::string_view why) noexcept = 0;

 protected:
  ~Batch() = default;
};

}  // namespace concur
