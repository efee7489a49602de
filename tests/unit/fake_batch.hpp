// FakeBatch: a scripted concur::Batch for strategy tests that records how a strategy ran each task.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "concur/batch.hpp"
#include "concur/io.hpp"
#include "concur/outcome.hpp"
#include "concur/strategy.hpp"
#include "concur/task.hpp"
#include "util/blocking_io.hpp"

namespace concur_test {

using namespace std::chrono_literals;

// What task `index` does: sleep (through the Io, as a real task waits), then
// throw or return index * 10.
struct TaskScript {
  std::chrono::milliseconds sleep{0};
  bool throws = false;
};


// Suspends every operation and never resumes it: what a strategy sees if it is
// handed an event-loop Io. Blocking strategies must report this, not hang.
class NeverResumingIo final : public concur::Io {
 public:
  bool begin(Sleep&) noexcept override { return false; }
  bool begin(HttpGet&) noexcept override { return false; }
  bool begin(Compute&) noexcept override { return false; }
};

class FakeBatch final : public concur::Batch {
 public:
  static constexpr unsigned max_worker_id = 64;  // worker ids at or above this are recorded as bad

  explicit FakeBatch(std::vector<TaskScript> scripts)
      : scripts_(std::move(scripts)), records_(scripts_.size()), outcomes_(scripts_.size()), per_worker_(max_worker_id) {}

  // n tasks that each sleep `each`.
  static std::vector<TaskScript> sleeping(std::size_t n, std::chrono::milliseconds each) {
    return std::vector<TaskScript>(n, TaskScript{each, false});
  }

  // --- concur::Batch ---
  std::size_t size() const noexcept override { return scripts_.size(); }

  concur::Task task(std::size_t index, concur::Io& io, unsigned worker) noexcept override {
    return recorded(index, io, worker);
  }

  std::unique_ptr<concur::Io> blocking_io() override {
    const int made = ios_created_.fetch_add(1) + 1;
    if (fail_io_after_ >= 0 && made > fail_io_after_) throw std::runtime_error("out of test Ios");
    if (suspending_io_) return std::make_unique<NeverResumingIo>();
    return concur::make_blocking_io();  // the harness's own
  }

  // Scripted tasks cannot be rebuilt in another process, so no strategy
  // tested with them may hand in records.
  std::string description() const override { return "{}"; }
  void record(std::string_view) noexcept override { lane_misuse_.store(true); }
  void fail(std::size_t, unsigned, std::int64_t, std::string_view) noexcept override { lane_misuse_.store(true); }

  // --- set-up, before the run ---
  void fail_blocking_io_after(int successful_calls) { fail_io_after_ = successful_calls; }
  void hand_out_suspending_io() { suspending_io_ = true; }

  // --- what happened, read after the run ---
  int starts(std::size_t index) const { return records_.at(index).starts.load(); }
  int ends(std::size_t index) const { return records_.at(index).ends.load(); }
  unsigned worker(std::size_t index) const { return records_.at(index).worker.load(); }
  int peak_in_flight() const { return peak_.load(); }
  int ios_created() const { return ios_created_.load(); }
  // A worker id outside [0, max_worker_id), one lane running two tasks at once, or a record handed in.
  bool lane_misuse() const { return lane_misuse_.load(); }

  concur::Outcome outcome(std::size_t index) const {
    const std::lock_guard lock(mutex_);
    return outcomes_.at(index);
  }
  std::vector<std::size_t> completion_order() const {
    const std::lock_guard lock(mutex_);
    return completion_order_;
  }
  bool every_task_exactly_once() const {
    return std::all_of(records_.begin(), records_.end(),
                       [](const Record& r) { return r.starts.load() == 1 && r.ends.load() == 1; });
  }

 private:
  struct Record {
    std::atomic<int> starts{0};
    std::atomic<int> ends{0};
    std::atomic<unsigned> worker{~0u};
  };

  // Wraps the scripted task the way the harness wraps a workload's task: it
  // records the start when the strategy starts it and the end when it finishes.
  concur::Task recorded(std::size_t index, concur::Io& io, unsigned worker) {
    started(index, worker);
    concur::Outcome outcome = co_await scripted(index, io);
    finished(index, worker, outcome);
    co_return outcome;
  }

  concur::Task scripted(std::size_t index, concur::Io& io) {
    const TaskScript& script = scripts_[index];
    if (script.sleep > 0ms) co_await io.sleep_for(script.sleep);
    if (script.throws) throw std::runtime_error("task " + std::to_string(index) + " failed on purpose");
    concur::Outcome outcome;
    outcome.value = static_cast<std::int64_t>(index) * 10;
    co_return outcome;
  }

  void started(std::size_t index, unsigned worker) {
    Record& record = records_[index];
    record.starts.fetch_add(1);
    record.worker.store(worker);
    if (worker >= max_worker_id || per_worker_[worker].fetch_add(1) != 0) lane_misuse_.store(true);
    const int now = in_flight_.fetch_add(1) + 1;
    int peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
    }
  }

  void finished(std::size_t index, unsigned worker, const concur::Outcome& outcome) {
    in_flight_.fetch_sub(1);
    if (worker < max_worker_id) per_worker_[worker].fetch_sub(1);
    records_[index].ends.fetch_add(1);
    const std::lock_guard lock(mutex_);
    outcomes_[index] = outcome;
    completion_order_.push_back(index);
  }

  const std::vector<TaskScript> scripts_;
  std::vector<Record> records_;
  std::vector<concur::Outcome> outcomes_;          // guarded by mutex_
  std::vector<std::size_t> completion_order_;      // guarded by mutex_
  std::vector<std::atomic<int>> per_worker_;       // tasks in flight per lane
  mutable std::mutex mutex_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> peak_{0};
  std::atomic<int> ios_created_{0};
  std::atomic<bool> lane_misuse_{false};
  int fail_io_after_ = -1;
  bool suspending_io_ = false;
};

// One whole cycle, as the harness runs a batch with startup: timed: start
// (with the same batch), run, stop. The first failed report is the result;
// otherwise run's, with start's counters added as the harness adds them.
inline concur::RunReport run_cycle(concur::Strategy& strategy, concur::Batch& batch, const concur::RunOptions& options) {
  concur::RunReport started = strategy.start(batch, options);
  concur::RunReport report = started.ok ? strategy.run(batch, options) : started;
  concur::RunReport stopped = strategy.stop();
  if (report.ok && !stopped.ok) return stopped;
  report.counters.insert(started.counters.begin(), started.counters.end());
  return report;
}

}  // namespace concur_test
