// The sequential strategy: runs a batch's tasks one after another on the calling thread, the baseline of every speedup.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

  // Its one Io (a libcurl easy handle, kept for keep-alive) is its start-up.
  concur::RunReport start(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    return concur::guarded_run([&] {
      io_ = std::move(concur::blocking_ios(batch, 1).front());
      return concur::RunReport{};
    });
  }

  // Exceptions never cross the plugin boundary: anything thrown while running
  // (bad_alloc) becomes a failed report.
  concur::RunReport run(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    return concur::guarded_run([&] {
      if (options.workers == 0) return concur::failed_run("workers must be at least 1");
      if (!io_) return concur::failed_run("run() before start()");
      for (std::size_t index = 0; index < batch.size(); ++index) {
        if (std::string why = concur::run_to_end(batch, index, *io_, 0, name()); !why.empty()) {
          return concur::failed_run(why);
        }
      }
      return concur::RunReport{};
    });
  }

  concur::RunReport stop() noexcept override {
    io_.reset();
    return {};
  }

 private:
  std::unique_ptr<concur::Io> io_;
};

}  // namespace

CONCUR_PLUGIN(Sequential)
