// Helpers for strategies whose workers block: Ios per worker, one task run to its end, a run's first failure.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concur/batch.hpp"
#include "concur/strategy.hpp"

namespace concur {

// One blocking Io per worker, made on the calling thread before any worker
// starts (Batch::blocking_io() is not promised to be thread-safe). Throws
// std::runtime_error saying why when the batch cannot provide them.
inline std::vector<std::unique_ptr<Io>> blocking_ios(Batch& batch, std::size_t count) {
  std::vector<std::unique_ptr<Io>> ios;
  ios.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    try {
      ios.push_back(batch.blocking_io());
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("could not create a blocking Io: ") + e.what());
    }
    if (!ios.back()) throw std::runtime_error("the batch returned no blocking Io");
  }
  return ios;
}

// Runs task `index` on `io` and returns once it has finished: "" then, or why
// it could not run. With a blocking Io the task is done when start() returns;
// if it is not, the Io suspended it and nothing would ever resume it, which is
// reported rather than waited for. Throws only when out of memory.
inline std::string run_to_end(Batch& batch, std::size_t index, Io& io, unsigned worker, std::string_view strategy) {
  Task task = batch.task(index, io, worker);
  if (!task) return "the batch returned no task for index " + std::to_string(index);
  task.start();
  if (!task.done()) {
    return "task " + std::to_string(index) + " suspended instead of finishing; the " + std::string(strategy) +
           " strategy needs an Io that blocks";
  }
  return {};
}

// Runs `body` (returning a RunReport), turning anything it throws into a failed
// report: the usual shape of Strategy::start, run and stop, which must not throw.
template <class Body>
RunReport guarded_run(Body&& body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (const std::exception& e) {
    return failed_run(e.what());
  } catch (...) {
    return failed_run("unknown exception");
  }
}

// The first failure of a run whose tasks run on several threads; later ones are
// dropped. Workers check happened() before claiming another task.
class FirstFailure {
 public:
  // From any thread; never throws (out of memory, the failure is kept without its text).
  void record(std::string_view why) noexcept {
    const std::lock_guard lock(mutex_);
    if (happened_.exchange(true, std::memory_order_relaxed)) return;
    try {
      why_ = why;
    } catch (...) {
    }
  }

  bool happened() const noexcept { return happened_.load(std::memory_order_relaxed); }

  // Once every worker has finished: ok, or the first failure.
  RunReport report() const noexcept {
    const std::lock_guard lock(mutex_);
    return happened_.load(std::memory_order_relaxed) ? failed_run(why_) : RunReport{};
  }

 private:
  std::atomic<bool> happened_{false};
  mutable std::mutex mutex_;
  std::string why_;
};

}  // namespace concur
