// The sequential strategy: runs a batch's tasks one after another on the calling thread, the baseline of every speedup.
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "concur/concur.hpp"

namespace {

class Sequential final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "sequential"; }
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override {
    return "Runs the tasks one after another, in index order, on the calling thread with one blocking Io: "
           "the baseline that speedups are measured against";
  }
  unsigned max_workers() const noexcept override { return 1; }

  // Exceptions never cross the plugin boundary: anything thrown while running
  // (a failing blocking_io(), bad_alloc) becomes a failed report.
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

    // Declared before any task: a task refers to its Io until it is destroyed.
    std::unique_ptr<concur::Io> io;
    try {
      io = batch.blocking_io();
    } catch (const std::exception& e) {
      return concur::failed_run(std::string("could not create a blocking Io: ") + e.what());
    }
    if (!io) return concur::failed_run("the batch returned no blocking Io");

    const std::size_t size = batch.size();
    for (std::size_t index = 0; index < size; ++index) {
      concur::Task task = batch.task(index, *io, 0);
      if (!task) return concur::failed_run("the batch returned no task for index " + std::to_string(index));
      task.start();
      // A blocking Io finishes every operation inside begin(), so the task is
      // done when start() returns. If it is not, the Io suspended it and
      // nothing here would ever resume it: say so rather than hang.
      if (!task.done()) {
        return concur::failed_run("task " + std::to_string(index) +
                       " suspended instead of finishing; the sequential strategy needs an Io that blocks");
      }
    }
    return {};
  }

};

}  // namespace

CONCUR_PLUGIN(Sequential)
