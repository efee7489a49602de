// BatchRun: the harness's Batch for one execution of a workload; records what the strategy did and checks it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "concur/batch.hpp"
#include "concur/strategy.hpp"
#include "task_log.hpp"
#include "workload.hpp"

namespace concur {

// What happened to one task. Written only by the task's first run.
struct TaskRecord {
  unsigned worker = 0;
  std::int64_t start_ns = 0;  // since the batch was created
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
  // `description` is what Batch::description() returns (see describe_entry).
  BatchRun(const Workload& workload, std::string description, TaskLog* log);

  std::size_t size() const noexcept override { return workload_.size(); }
  Task task(std::size_t index, Io& io, unsigned worker) noexcept override;
  std::unique_ptr<Io> blocking_io() override;
  std::string description() const override { return description_; }
  void record(const TaskReport& report) noexcept override;

  // Call after Strategy::run returned: every task exactly once, every outcome
  // verified by the workload, in-flight peak within `workers`, the strategy's own report.
  BatchSummary check(unsigned workers, const RunReport& report) const;

  const std::vector<TaskRecord>& records() const { return records_; }

 private:
  Task wrap(std::size_t index, Io& io, unsigned worker);
  // Counts a run of `index`; true for the first, whose record is kept.
  bool claim(std::size_t index);
  std::int64_t now_ns() const;
  void problem(std::string text);
  void log_end(std::size_t index, const Outcome& outcome);
  unsigned peak_from_intervals() const;

  const Workload& workload_;
  const std::string description_;
  TaskLog* log_;
  const std::int64_t origin_ns_;
  std::vector<TaskRecord> records_;
  std::unique_ptr<std::atomic<unsigned>[]> runs_;
  std::atomic<unsigned> in_flight_{0};
  std::atomic<unsigned> peak_{0};
  std::atomic<std::uint64_t> completions_{0};
  mutable std::mutex problems_mutex_;
  std::vector<std::string> problems_;
};

}  // namespace concur
