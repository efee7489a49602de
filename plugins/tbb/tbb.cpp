// The tbb strategy: oneTBB's work-stealing scheduler, one TBB task per batch task in a task_arena of `workers` slots.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <dlfcn.h>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "concur/concur.hpp"

namespace {

// TBB lets a process have at least 256 worker threads whatever the machine
// (its hard limit is max(4 x cores, 256)), plus the thread that calls run().
constexpr unsigned max_tbb_workers = 256;

// What the TBB tasks of one run share. It lives on run_batch()'s stack and
// outlives the arena's work: the task_group is waited for inside execute().
class Run {
 public:
  Run(concur::Batch& batch, const std::vector<std::unique_ptr<concur::Io>>& ios)
      : batch_(batch), size_(batch.size()), ios_(ios) {}

  // The body of one TBB task: runs the next batch task to its end.
  //
  // TBB decides which thread runs each TBB task and when (its owner pops the
  // newest, thieves steal the oldest), but the n-th TBB task to start claims
  // batch index n, so batch tasks start in submission order, as an executor's
  // map() starts them, and timelines compare with the other strategies'.
  void one() noexcept {
    if (failure.happened()) return;
    try {
      // The arena slot is the lane: a slot holds one thread at a time and a
      // thread runs one task at a time here (nothing inside a task waits on
      // TBB, so no task nests inside another), hence one task per slot, and the
      // slot's Io is never used by two threads at once.
      const int slot = tbb::this_task_arena::current_thread_index();
      if (slot < 0 || static_cast<std::size_t>(slot) >= ios_.size()) {
        return failure.record("a TBB task ran outside the arena's slots (slot " + std::to_string(slot) + ")");
      }
      const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
      if (index >= size_) return;  // one TBB task is spawned per index: not reached
      const auto lane = static_cast<std::size_t>(slot);
      if (std::string why = concur::run_to_end(batch_, index, *ios_[lane], static_cast<unsigned>(slot), "tbb");
          !why.empty()) {
        failure.record(why);
      }
    } catch (const std::exception& e) {  // out of memory while describing a failure
      failure.record(e.what());
    }
  }

  concur::FirstFailure failure;  // TBB tasks not yet started return at once after one

 private:
  concur::Batch& batch_;
  const std::size_t size_;
  const std::vector<std::unique_ptr<concur::Io>>& ios_;
  std::atomic<std::size_t> next_{0};
};

// Makes the dynamic loader keep this library mapped until the process ends,
// and with it libtbb, which it needs.
void keep_this_library_loaded() noexcept {
  static const char anchor = 0;
  Dl_info info{};
  if (dladdr(&anchor, &info) == 0 || info.dli_fname == nullptr) return;
  // RTLD_NODELETE on a library already loaded marks it permanent; the handle itself is not needed.
  if (void* self = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)) dlclose(self);
}

// Brings the arena's worker threads in now: `count` TBB tasks that each wait
// (a second at most) until all have started, so the threads exist and have
// joined the arena when start() returns, and creating them is start-up, not
// the first batch's work.
void fill_arena(tbb::task_arena& arena, std::size_t count) {
  std::atomic<std::size_t> arrived{0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  arena.execute([&] {
    tbb::task_group group;
    for (std::size_t i = 0; i < count; ++i) {
      group.run([&] {
        arrived.fetch_add(1);
        while (arrived.load() < count && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
      });
    }
    group.wait();
  });
}

class Tbb final : public concur::Strategy {
 public:
  Tbb() = default;
  Tbb(const Tbb&) = delete;
  Tbb& operator=(const Tbb&) = delete;
  ~Tbb() override { stop(); }

  std::string_view name() const noexcept override { return "tbb"; }
  std::string_view version() const noexcept override { return "2.0.0"; }
  std::string_view description() const noexcept override {
    return "oneTBB work stealing: start() makes a task_arena of min(workers, tasks) slots (the calling thread takes "
           "one, TBB worker threads the others) and brings its threads in; one TBB task per batch task in a "
           "task_group, each slot with its own blocking Io; a blocking task (sleep, HTTP GET) holds its TBB worker "
           "thread for its whole wait";
  }
  unsigned max_workers() const noexcept override { return max_tbb_workers; }

  // Exceptions never cross the plugin boundary: anything thrown (a failing
  // blocking_io(), TBB failing to start, bad_alloc) becomes a failed report.
  concur::RunReport start(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    return concur::guarded_run([&] { return start_arena(batch, options); });
  }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    return concur::guarded_run([&] { return run_batch(batch); });
  }

  // TBB's worker threads outlive every arena: they belong to the process and
  // sleep inside libtbb between uses. finalize() ends them, so the next
  // start() creates its own (start-up is then the same every time), and the
  // loader can unload this plugin and libtbb with it: a worker left running
  // would crash in unmapped code. finalize() declines (returns false) while
  // TBB is still in use elsewhere in the process (another tbb strategy
  // object, a thread still attached to TBB); then the workers cannot be
  // stopped, so the library stays loaded instead.
  concur::RunReport stop() noexcept override {
    arena_.reset();
    ios_.clear();
    parallelism_.reset();  // this strategy's setting ends with it
    if (scheduler_ && !tbb::finalize(scheduler_, std::nothrow)) keep_this_library_loaded();
    return {};
  }

 private:
  concur::RunReport start_arena(concur::Batch& batch, const concur::RunOptions& options) {
    if (options.workers == 0) return concur::failed_run("workers must be at least 1");
    // An arena wider than the batch would only hold idle slots (and Ios).
    const std::size_t count = std::min<std::size_t>(options.workers, batch.size());
    if (count > max_tbb_workers) {
      return concur::failed_run("the tbb strategy runs at most " + std::to_string(max_tbb_workers) +
                                " tasks at once (TBB's thread limit); " + std::to_string(count) +
                                " workers were asked for");
    }
    concur::RunReport report;
    report.counters["arena_concurrency"] = static_cast<double>(count);
    if (count == 0) return report;
    // Attached so that stop() can wait for TBB's workers with finalize().
    if (!scheduler_) scheduler_ = tbb::task_scheduler_handle{tbb::attach{}};
    // TBB caps the threads of the whole process at its default parallelism
    // (the core count), whatever an arena asks for: on 2 cores an arena of 3
    // would run only 2 tasks at once. workers is the experiment's variable,
    // so lift the cap to it. The active value is the smallest of all
    // global_controls: if another part of the process holds a lower one, say
    // so rather than run with fewer tasks in flight than asked. One worker is
    // the calling thread alone.
    using control = tbb::global_control;
    if (count >= 2) parallelism_ = std::make_unique<control>(control::max_allowed_parallelism, count);
    const std::size_t allowed = control::active_value(control::max_allowed_parallelism);
    if (allowed < count) {
      return concur::failed_run("TBB allows at most " + std::to_string(allowed) + " threads in this process; " +
                                std::to_string(count) + " workers were asked for");
    }
    // One Io per arena slot, made before any TBB task runs.
    ios_ = concur::blocking_ios(batch, count);
    // max_concurrency = count with one slot reserved for the calling thread,
    // which joins the arena in execute() and runs tasks in wait(): count - 1
    // TBB workers plus the caller, so at most count tasks are ever in flight.
    arena_ = std::make_unique<tbb::task_arena>(static_cast<int>(count), /*reserved_for_masters=*/1);
    arena_->initialize();
    fill_arena(*arena_, count);
    return report;
  }

  concur::RunReport run_batch(concur::Batch& batch) {
    if (batch.size() == 0) return {};
    if (!arena_) return concur::failed_run("run() before start()");
    Run run(batch, ios_);
    // run() and wait() in the same execute() (DESIGN pitfall 7): a task_group
    // waited for from outside the arena it was run in does not wait for that
    // arena's tasks.
    arena_->execute([&run, size = batch.size()] {
      tbb::task_group group;
      try {
        for (std::size_t i = 0; i < size; ++i) group.run([&run] { run.one(); });
      } catch (const std::exception& e) {
        // Nothing may escape execute() before wait(): spawned tasks refer to `run`.
        try {
          run.failure.record(std::string("could not spawn a TBB task: ") + e.what());
        } catch (...) {
          run.failure.record("could not spawn a TBB task");
        }
      }
      // Also after a failed spawn: the tasks already spawned refer to `run`.
      group.wait();
    });
    return run.failure.report();
  }

  tbb::task_scheduler_handle scheduler_;
  // TBB's process-wide cap on threads, lifted for this strategy's arena; null while TBB's default holds.
  std::unique_ptr<tbb::global_control> parallelism_;
  std::vector<std::unique_ptr<concur::Io>> ios_;  // one per arena slot; declared before the arena, which uses them
  std::unique_ptr<tbb::task_arena> arena_;
};

}  // namespace

CONCUR_PLUGIN(Tbb)
