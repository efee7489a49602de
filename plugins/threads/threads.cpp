// The threads strategy: a pool of std::threads, started once, each running one task at a time with a blocking Io.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "concur/concur.hpp"

namespace {

// The pool: threads and their Ios live from start() to stop(); each run()
// wakes every thread, and each takes the next unclaimed index until none is
// left. Claiming from a shared counter (rather than pre-assigning ranges)
// keeps every thread busy whatever the tasks' durations, and a thread takes a
// new index only after finishing its task, so at most one task per thread is
// in flight.
class Pool {
 public:
  // Throws when an Io or a thread cannot be made; the threads already
  // running are stopped and joined first.
  Pool(concur::Batch& batch, std::size_t count) : ios_(concur::blocking_ios(batch, count)) {
    threads_.reserve(count);
    try {
      for (std::size_t lane = 0; lane < count; ++lane) {
        threads_.emplace_back([this, lane] { work(static_cast<unsigned>(lane)); });
      }
    } catch (...) {
      shut_down();
      throw;
    }
  }
  ~Pool() { shut_down(); }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  std::size_t threads() const noexcept { return threads_.size(); }

  // Runs every task of `batch` on the pool's threads; returns when all have finished.
  concur::RunReport run(concur::Batch& batch) {
    std::unique_lock lock(mutex_);
    failure_.emplace();
    batch_ = &batch;
    size_ = batch.size();
    next_.store(0, std::memory_order_relaxed);
    busy_ = threads_.size();
    ++generation_;
    wake_.notify_all();
    done_.wait(lock, [this] { return busy_ == 0; });
    batch_ = nullptr;
    return failure_->report();
  }

 private:
  void work(unsigned lane) noexcept {
    std::uint64_t seen = 0;
    for (;;) {
      concur::Batch* batch = nullptr;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        batch = batch_;
      }
      try {
        while (!failure_->happened()) {
          const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
          if (index >= size_) break;
          if (std::string why = concur::run_to_end(*batch, index, *ios_[lane], lane, "threads"); !why.empty()) {
            failure_->record(why);
          }
        }
      } catch (const std::exception& e) {  // out of memory while describing a failure
        failure_->record(e.what());
      }
      const std::lock_guard lock(mutex_);
      if (--busy_ == 0) done_.notify_one();
    }
  }

  void shut_down() noexcept {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    threads_.clear();  // jthreads join
  }

  // Declared before the threads: tasks refer to their Io, threads to the rest.
  const std::vector<std::unique_ptr<concur::Io>> ios_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::uint64_t generation_ = 0;  // bumped per run: tells each thread a batch is there
  bool stopping_ = false;
  std::size_t busy_ = 0;          // threads not yet done with this run's batch
  concur::Batch* batch_ = nullptr;
  std::size_t size_ = 0;
  std::atomic<std::size_t> next_{0};
  std::optional<concur::FirstFailure> failure_;  // of this run; makes every thread stop claiming
  std::vector<std::jthread> threads_;  // last: joined before the rest is destroyed
};

class Threads final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "threads"; }
  std::string_view version() const noexcept override { return "2.0.0"; }
  std::string_view description() const noexcept override {
    return "A pool of min(workers, tasks) std::threads, started by start(); each takes the next unclaimed task, "
           "runs it to the end with its own blocking Io, then takes another (a thread pool executor)";
  }

  // Exceptions never cross the plugin boundary: anything thrown while setting
  // up (a failing blocking_io(), thread creation, bad_alloc) becomes a failed report.
  concur::RunReport start(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    return concur::guarded_run([&] {
      if (options.workers == 0) return concur::failed_run("workers must be at least 1");
      pool_ = std::make_unique<Pool>(batch, std::min<std::size_t>(options.workers, batch.size()));
      return concur::RunReport{};
    });
  }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    return concur::guarded_run([&] {
      if (!pool_) return concur::failed_run("run() before start()");
      concur::RunReport report = pool_->run(batch);
      report.counters["threads"] = static_cast<double>(pool_->threads());
      return report;
    });
  }

  concur::RunReport stop() noexcept override {
    pool_.reset();
    return {};
  }

 private:
  std::unique_ptr<Pool> pool_;
};

}  // namespace

CONCUR_PLUGIN(Threads)
