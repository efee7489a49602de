// Strategy: the interface a plugin implements: how a batch of tasks runs and waits.
#pragma once

#include <chrono>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "concur/batch.hpp"
#include "concur/option.hpp"

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
  // The suite's `options:`, as written; read them through the strategy's
  // declarations (Strategy::options()).
  std::map<std::string, std::string> options;
};

struct RunReport {
  bool ok = true;
  std::string error;                        // when !ok: why the strategy could not start or run the batch
  std::map<std::string, double> counters;   // extra figures, e.g. workers replaced after a crash
  // CPU time other processes (worker processes, a fork server) spent on this
  // start(), run() or stop(); the harness adds it to cpu_time when that call
  // is timed.
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
//
// The harness drives one Strategy object through start(), any number of
// run()s, then stop(), one case at a time, all on the same thread. What is
// timed follows one rule for every strategy (the suite's `startup`):
//   untimed (default): start() once before a case's batches, stop() after
//                      them; each timed batch is one run();
//   timed:             every timed batch is start(), run(), stop().
// The harness measures start() itself and reports it as `startup_seconds`.
// So: make in start() whatever outlives one batch (threads, an arena, a ring,
// worker processes), and do only the batch's own work in run().
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

  // True when tasks run in other processes, so one that crashes cannot take
  // concur down (a process pool). Only such a strategy may hand the harness
  // records (Batch::record, Batch::fail); the conformance checks then test
  // recovery from crashes.
  virtual bool isolates_tasks() const noexcept { return false; }

  // The options this strategy reads from RunOptions::options (see option.hpp),
  // in the order `concur list` shows them; valid as long as the strategy.
  virtual std::span<const Option> options() const noexcept { return {}; }

  // Start-up for batches like `batch` (the same tasks, the same
  // description) at `options`. No task may run here. A failed report fails
  // the case with its error.
  virtual RunReport start(Batch& batch, const RunOptions& options) noexcept {
    (void)batch;
    (void)options;
    return {};
  }

  // Runs one batch with what start() made; called only between start() and
  // stop(), with the options start() had.
  virtual RunReport run(Batch& batch, const RunOptions& options) noexcept = 0;

  // Releases what start() made (joins threads, ends processes). Called once
  // after every start(), a failed one included. A failed report fails the case.
  virtual RunReport stop() noexcept { return {}; }
};

}  // namespace concur
