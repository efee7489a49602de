// The threads strategy: a pool of std::threads, each running one task at a time with a blocking Io.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
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
    try {
      while (!failure.happened()) {
        const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
        if (index >= size_) return;
        if (std::string why = concur::run_to_end(batch_, index, io, worker, "threads"); !why.empty()) {
          return failure.record(why);
        }
      }
    } catch (const std::exception& e) {  // out of memory while describing a failure
      failure.record(e.what());
    }
  }

  concur::FirstFailure failure;  // makes every worker stop claiming tasks

 private:
  concur::Batch& batch_;
  const std::size_t size_;
  std::atomic<std::size_t> next_{0};
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
    return concur::guarded_run([&] { return run_batch(batch, options); });
  }

 private:
  static concur::RunReport run_batch(concur::Batch& batch, const concur::RunOptions& options) {
    if (options.workers == 0) return concur::failed_run("workers must be at least 1");
    const std::size_t count = std::min<std::size_t>(options.workers, batch.size());
    // Declared before the pool and the threads: tasks refer to their Io.
    const std::vector<std::unique_ptr<concur::Io>> ios = concur::blocking_ios(batch, count);

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
        pool.failure.record(std::string("could not start worker thread ") + std::to_string(started) + ": " + e.what());
      }
    }
    concur::RunReport report = pool.failure.report();
    report.counters["threads"] = static_cast<double>(started);
    return report;
  }
};

}  // namespace

CONCUR_PLUGIN(Threads)
