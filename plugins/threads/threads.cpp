// The threads strategy: a pool of std::threads, each running one task at a time with a blocking Io.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "concur/concur.hpp"

namespace {

// What the workers of one run share. It lives on run()'s stack and is
// declared before the threads, so it outlives every one of them.
class Pool {
 public:
  explicit Pool(concur::Batch& batch) : batch_(batch), size_(batch.size()) {}

  // One worker: claims the next unclaimed index until none is left. Claiming
  // from a shared counter (rather than pre-assigning ranges) keeps every
  // thread busy whatever the tasks' durations, and a worker takes a new index
  // only after finishing its task, so at most one task per thread is in flight.
  void work(concur::Io& io, unsigned worker) noexcept {
    while (!stop_.load(std::memory_order_relaxed)) {
      const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
      if (index >= size_) return;
      concur::Task task = batch_.task(index, io, worker);
      if (!task) return fail("the batch returned no task for index ", index, "");
      task.start();
      // With a blocking Io the task is done here. If the Io suspended it,
      // nothing in this pool would resume it: stop rather than hang.
      if (!task.done()) {
        return fail("task ", index, " suspended instead of finishing; the threads strategy needs an Io that blocks");
      }
    }
  }

  // Records the first failure and makes every worker stop claiming tasks.
  void fail(std::string_view why) noexcept {
    stop_.store(true, std::memory_order_relaxed);
    const std::lock_guard lock(mutex_);
    if (failed_) return;
    failed_ = true;
    try {
      error_ = why;
    } catch (...) {  // out of memory: failed_ still marks the run failed
    }
  }

  // Call after every thread has been joined.
  concur::RunReport report(std::size_t threads) noexcept {
    concur::RunReport report;
    report.ok = !failed_;
    try {
      report.error = error_;
      report.counters["threads"] = static_cast<double>(threads);
    } catch (...) {
    }
    return report;
  }

 private:
  void fail(const char* before, std::size_t index, const char* after) noexcept {
    try {
      fail(before + std::to_string(index) + after);
    } catch (...) {
      fail(std::string_view(before));
    }
  }

  concur::Batch& batch_;
  const std::size_t size_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string error_;
  bool failed_ = false;
};

class Threads final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "threads"; }
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override {
    return "A pool of min(workers, tasks) std::threads; each takes the next unclaimed task, runs it to the end "
           "with its own blocking Io, then takes another (a thread pool executor)";
  }

  // Exceptions never cross the plugin boundary: anything thrown while setting
  // up (a failing blocking_io(), thread creation, bad_alloc) becomes a failed report.
  concur::RunReport run(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    try {
      return run_batch(batch, options);
    } catch (const std::exception& e) {
      return concur::failed_run(e.what());
    } catch (...) {
      return concur::failed_run("unknown exception");
    }
  }

 private:
  static concur::RunReport run_batch(concur::Batch& batch, const concur::RunOptions& options) {
    if (options.workers == 0) return concur::failed_run("workers must be at least 1");
    const std::size_t count = std::min<std::size_t>(options.workers, batch.size());

    // Every Io is created here, on the calling thread, before any worker
    // starts: Batch does not promise that blocking_io() may be called
    // concurrently, and a failure here needs no thread to be stopped.
    // Declared before the pool and the threads: tasks refer to their Io.
    std::vector<std::unique_ptr<concur::Io>> ios;
    ios.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      try {
        ios.push_back(batch.blocking_io());
      } catch (const std::exception& e) {
        return concur::failed_run(std::string("could not create a blocking Io: ") + e.what());
      }
      if (!ios.back()) return concur::failed_run("the batch returned no blocking Io");
    }

    Pool pool(batch);
    std::size_t started = 0;
    {
      // jthreads join when this vector goes out of scope, including when
      // creating one of them throws: the ones already running finish first.
      std::vector<std::jthread> threads;
      threads.reserve(count);
      try {
        for (; started < count; ++started) {
          threads.emplace_back([&pool, io = ios[started].get(), worker = static_cast<unsigned>(started)] {
            pool.work(*io, worker);
          });
        }
      } catch (const std::exception& e) {
        pool.fail(std::string("could not start worker thread ") + std::to_string(started) + ": " + e.what());
      }
    }
    return pool.report(started);
  }

};

}  // namespace

CONCUR_PLUGIN(Threads)
