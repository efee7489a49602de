// Strategy: the interface a plugin implements: how a batch of tasks runs and waits.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "concur/batch.hpp"

namespace concur {

struct Availability {
  bool available = true;
  std::string reason;  // why not, when unavailable
};

struct RunOptions {
  unsigned workers = 1;                         // maximum tasks in flight
  // A task running longer is an error outcome (strategies that can stop a
  // task, such as fork, enforce it); zero means no limit. Suite key `timeout`.
  std::chrono::nanoseconds task_timeout{0};
  std::map<std::string, std::string> options;   // strategy-specific suite options
};

struct RunReport {
  bool ok = true;
  std::string error;                        // when !ok: why the strategy could not run the batch
  std::map<std::string, double> counters;   // extra figures, e.g. pool start-up seconds
  // CPU time other processes spent on this batch (worker processes); the
  // harness adds it to the case's cpu_time.
  double external_cpu_seconds = 0;
};

// A failed RunReport saying why. If even the message cannot be stored (out of
// memory), the report is still a failed one.
inline RunReport failed_run(std::string_view why) noexcept {
  RunReport report;
  report.ok = false;
  try {
    report.error = why;
  } catch (...) {
  }
  return report;
}

// All functions are noexcept: exceptions never cross the plugin boundary.
// One Strategy object may run many batches, one at a time.
class Strategy {
 public:
  virtual ~Strategy() = default;

  virtual std::string_view name() const noexcept = 0;
  virtual std::string_view version() const noexcept = 0;
  virtual std::string_view description() const noexcept = 0;

  // Largest `workers` value that means something (1 for a sequential
  // strategy); 0 means no limit. The harness does not sweep beyond it.
  virtual unsigned max_workers() const noexcept { return 0; }

  virtual Availability availability() const noexcept { return {}; }

  // True when a task that crashes its process cannot take concur down (a
  // process pool); the conformance checks then test recovery from crashes.
  virtual bool isolates_tasks() const noexcept { return false; }

  // Called untimed before a case's first batch, with a batch of the same
  // tasks: the place to build inputs elsewhere or start servers.
  virtual RunReport prepare(Batch& batch, const RunOptions& options) noexcept {
    (void)batch;
    (void)options;
    return {};
  }

  virtual RunReport run(Batch& batch, const RunOptions& options) noexcept = 0;
};

}  // namespace concur
