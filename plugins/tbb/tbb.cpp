// The tbb strategy: oneTBB's work-stealing scheduler, one TBB task per batch task in a task_arena of `workers` slots.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <dlfcn.h>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "concur/concur.hpp"

namespace {

// TBB lets a process have at least 256 worker threads whatever the machine
// (its hard limit is max(4 x cores, 256)), plus the thread that calls run().
// The strategy offers that many workers and lifts TBB's cap that far.
constexpr unsigned max_tbb_workers = 256;
constexpr std::size_t tbb_thread_cap = max_tbb_workers + 1;

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

  // Call after the task_group has been waited for.
  concur::RunReport report(int arena_concurrency) const {
    concur::RunReport report = failure.report();
    report.counters["arena_concurrency"] = static_cast<double>(arena_concurrency);
    return report;
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

class Tbb final : public concur::Strategy {
 public:
  Tbb() = default;
  Tbb(const Tbb&) = delete;
  Tbb& operator=(const Tbb&) = delete;

  // TBB's worker threads outlive every arena: they belong to the process and
  // sleep inside libtbb between runs, and for a moment after wait() returns
  // a worker is still finishing a task's clean-up in this library's code.
  // When the loader unloads this plugin, libtbb goes too (it is loaded only
  // for us), and a worker left running crashes in unmapped code. finalize()
  // blocks until every worker thread has ended. It declines (returns false)
  // while TBB is still in use elsewhere in the process (another tbb strategy
  // object, a thread that ran us and is still attached to TBB); then the
  // workers cannot be stopped, so the library stays loaded instead.
  ~Tbb() override {
    arena_.reset();
    parallelism_.reset();  // this strategy's setting ends with it
    if (!tbb::finalize(scheduler_, std::nothrow)) keep_this_library_loaded();
  }

  std::string_view name() const noexcept override { return "tbb"; }
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override {
    return "oneTBB work stealing: a task_arena of min(workers, tasks) slots (the calling thread takes one, TBB "
           "worker threads the others), one TBB task per batch task in a task_group, each slot with its own "
           "blocking Io; a blocking task (sleep, HTTP GET) holds its TBB worker thread for its whole wait";
  }
  unsigned max_workers() const noexcept override { return max_tbb_workers; }

  // Exceptions never cross the plugin boundary: anything thrown (a failing
  // blocking_io(), TBB failing to start, bad_alloc) becomes a failed report.
  concur::RunReport run(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    return concur::guarded_run([&] { return run_batch(batch, options); });
  }

 private:
  concur::RunReport run_batch(concur::Batch& batch, const concur::RunOptions& options) {
    if (options.workers == 0) return concur::failed_run("workers must be at least 1");
    // An arena wider than the batch would only hold idle slots (and Ios).
    const std::size_t count = std::min<std::size_t>(options.workers, batch.size());
    if (count == 0) {
      concur::RunReport empty;
      empty.counters["arena_concurrency"] = 0;
      return empty;
    }
    if (count > max_tbb_workers) {
      return concur::failed_run("the tbb strategy runs at most " + std::to_string(max_tbb_workers) +
                     " tasks at once (TBB's thread limit); " + std::to_string(count) + " workers were asked for");
    }
    // TBB caps the worker threads of the whole process at its default
    // parallelism (the core count) less one, whatever an arena asks for: on
    // 2 cores an arena of 3 would run only 2 tasks at once. workers is the
    // experiment's variable, so lift the cap. The active value is the
    // smallest of all global_controls: if another part of the process holds
    // a lower one, say so rather than run with fewer tasks in flight than asked.
    allow_parallelism(count);
    using control = tbb::global_control;
    const std::size_t allowed = control::active_value(control::max_allowed_parallelism);
    if (allowed < count) {
      return concur::failed_run("TBB allows at most " + std::to_string(allowed) + " threads in this process; " +
                     std::to_string(count) + " workers were asked for");
    }

    // One Io per arena slot, made before any TBB task runs; they live until
    // this run's tasks have finished.
    const std::vector<std::unique_ptr<concur::Io>> ios = concur::blocking_ios(batch, count);

    tbb::task_arena& arena = arena_for(count);
    Run run(batch, ios);
    // run() and wait() in the same execute() (DESIGN pitfall 7): a task_group
    // waited for from outside the arena it was run in does not wait for that
    // arena's tasks.
    arena.execute([&run, size = batch.size()] {
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
    return run.report(arena.max_concurrency());
  }

  // max_concurrency = count with one slot reserved for the calling thread,
  // which joins the arena in execute() and runs tasks in wait(): count - 1
  // TBB workers plus the caller, so at most count tasks are ever in flight.
  //
  // The arena is kept between runs while `count` is unchanged (repetitions
  // of a case), and replaced when it changes. A worker whose arena runs out
  // of work stays in it, spinning, until it has gone through about 100
  // sched_yield()s; on a busy machine each yield cedes a whole time slice,
  // so that takes hundreds of ms. In a kept arena such a worker simply takes
  // the next run's tasks. With a new arena per run, the next run would wait
  // for workers still lingering in the old ones and start with fewer tasks
  // in flight than `workers` (measured on 2 cores kept busy by two other
  // processes: a 4-task batch at 4 workers ran 3 at once, every time, after
  // arenas of 3 and 4; with the arena kept, 4). So the first run at a
  // worker count pays the arena's start-up (and the worker threads'
  // creation, the first time they are needed), and later runs measure the
  // strategy warm, as a long-lived TBB arena is used.
  tbb::task_arena& arena_for(std::size_t count) {
    if (!arena_ || arena_count_ != count) {
      auto fresh = std::make_unique<tbb::task_arena>(static_cast<int>(count), /*reserved_for_masters=*/1);
      fresh->initialize();
      arena_ = std::move(fresh);
      arena_count_ = count;
    }
    return *arena_;
  }

  // Lifts the cap, once, as far as this strategy may ever need (256 workers
  // and the caller), and keeps it until the strategy goes. The cap only
  // bounds how many worker threads TBB may run in all: each arena's
  // max_concurrency bounds its own tasks in flight, and TBB's implicit
  // arenas (parallel algorithms run outside any arena) stay sized to the
  // core count, so other TBB users in the process are not widened by it.
  //
  // Not just `count`: when the worker count changes, the workers of the
  // replaced arenas keep their share of the cap while they linger (see
  // arena_for()), and the new arena waits for a share. Not per run: when
  // the cap drops, TBB puts the excess workers to sleep and they come back
  // as slowly. (Measured on 2 cores kept busy by two other processes: with
  // the cap at `count`, dropped after each run or not, runs often had one
  // or two tasks fewer in flight than `workers`; at twice `count`, runs
  // right after a change of workers still fell short now and then.)
  // Not needed for one worker, which is the calling thread.
  void allow_parallelism(std::size_t count) {
    if (parallelism_ || count < 2) return;
    parallelism_ = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, tbb_thread_cap);
  }

  // Attached at construction, so finalize() in the destructor can wait for TBB's workers.
  tbb::task_scheduler_handle scheduler_{tbb::attach{}};
  // TBB's process-wide cap on threads, as lifted by allow_parallelism(); null while TBB's default holds.
  std::unique_ptr<tbb::global_control> parallelism_;
  // The arena of the last run, and its concurrency (see arena_for()).
  std::unique_ptr<tbb::task_arena> arena_;
  std::size_t arena_count_ = 0;
};

}  // namespace

CONCUR_PLUGIN(Tbb)
