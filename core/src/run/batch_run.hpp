// BatchRun: the harness's Batch for one execution of a workload; records what the strategy did and checks it.
#pragma once

#include <any>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "concur/batch.hpp"
#include "concur/strategy.hpp"
#include "host/host_services.hpp"
#include "run/task_log.hpp"
#include "workloads/workload.hpp"

namespace concur {

// What happened to one task. Written only by the task's first run.
struct TaskRecord {
  unsigned worker = 0;
  std::int64_t start_ns = 0;  // since Strategy::run was called (records() and check())
  std::int64_t end_ns = 0;
  std::uint64_t completion = 0;  // 0-based position in completion order
  Outcome outcome;
};

struct BatchSummary {
  std::size_t tasks = 0, ok = 0, not_found = 0, error = 0;
  std::uint64_t bytes = 0;
  unsigned peak_in_flight = 0;
  std::vector<std::string> problems;  // empty when the run was correct
};

class BatchRun final : public Batch {
 public:
  // `entry` outlives the batch. Records (Batch::record, Batch::fail) are
  // accepted only when `remote_tasks` (the strategy's isolates_tasks()).
  BatchRun(const BuiltEntry& entry, bool remote_tasks, TaskLog* log);

  std::size_t size() const noexcept override { return entry_.workload->size(); }
  Task task(std::size_t index, Io& io, unsigned worker) noexcept override;
  std::unique_ptr<Io> blocking_io() override;
  std::string description() const override { return entry_.description; }
  std::string remote_ticket() const override;
  void record(std::string_view sealed) noexcept override;
  void fail(std::size_t index, unsigned worker, std::int64_t started_ns, std::string_view why) noexcept override;

  // Calls strategy.run on this batch: the window every task must start and end in.
  RunReport run(Strategy& strategy, const RunOptions& options);

  // `tick` is called once as each task ends, on whatever thread ends it (a progress bar).
  void on_task_end(std::function<void()> tick) { tick_ = std::move(tick); }

  // Call after run(): every task exactly once and inside the window, every
  // outcome verified by the workload, in-flight peak within `workers`, the
  // strategy's own report.
  BatchSummary check(unsigned workers, const RunReport& report) const;

  // Each task's record, times relative to the start of run().
  std::vector<TaskRecord> records() const;

 private:
  Task wrap(std::size_t index, Io& io, unsigned worker);
  // Counts a run of `index`; true for the first, whose record is kept.
  bool claim(std::size_t index);
  void problem(std::string text);
  // The task ran, in another process, from start to end (steady_clock ns):
  // kept if it lies in the window so far and is the index's first record.
  void record_remote(std::size_t index, unsigned worker, std::int64_t start, std::int64_t end, Outcome outcome);
  void log_end(std::size_t index, const Outcome& outcome);
  unsigned peak_from_intervals() const;

  const BuiltEntry& entry_;
  const Workload& workload_;
  const bool remote_tasks_;
  TaskLog* log_;
  std::vector<TaskRecord> records_;  // times in steady_clock ns until records() converts them
  std::unique_ptr<std::atomic<unsigned>[]> runs_;
  std::atomic<std::int64_t> window_open_{0};   // steady_clock ns; 0 until run()
  std::int64_t window_close_ = 0;
  std::atomic<unsigned> in_flight_{0};
  std::atomic<unsigned> peak_{0};
  std::atomic<std::uint64_t> completions_{0};
  std::function<void()> tick_;
  std::any begun_;  // the workload's begin_batch(), for verify_batch()
  mutable std::mutex problems_mutex_;
  std::vector<std::string> problems_;
};

}  // namespace concur
