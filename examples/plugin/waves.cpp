// Example strategy plugin "waves": starts `workers` tasks on fresh threads, waits for all of them, then the next wave.
//
// A deliberately simple strategy, written only against the SDK, to show the
// contract a plugin fulfils: start-up in start() (here, one blocking Io per
// lane), every task index run exactly once, at most `workers` in flight, each
// thread with its own Io, nothing thrown out of any call (concur/blocking.hpp
// has the helpers used here). Its threads are started per wave on purpose:
// that is the strategy, so run() pays for them. It is slower than a pool
// whenever tasks differ in length: a wave lasts as long as its slowest task.
#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "concur/concur.hpp"

namespace {

class Waves final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "waves"; }
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override {
    return "example plugin: runs tasks in waves of `workers` threads, each wave joined before the next";
  }

  concur::RunReport start(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    return concur::guarded_run([&] {  // nothing may be thrown out of start()
      if (options.workers == 0) return concur::failed_run("workers must be at least 1");
      ios_ = concur::blocking_ios(batch, std::min<std::size_t>(options.workers, batch.size()));  // one per lane
      return concur::RunReport{};
    });
  }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    return concur::guarded_run([&] {
      const std::size_t width = ios_.size();
      concur::FirstFailure failure;
      double waves = 0;
      for (std::size_t first = 0; first < batch.size() && !failure.happened(); first += width, ++waves) {
        std::vector<std::jthread> wave;  // joined at the end of each iteration
        for (std::size_t i = first; i < std::min(first + width, batch.size()); ++i) {
          const auto lane = static_cast<unsigned>(i - first);
          wave.emplace_back([&batch, this, &failure, i, lane] {
            try {
              if (std::string why = concur::run_to_end(batch, i, *ios_[lane], lane, "waves"); !why.empty()) {
                failure.record(why);
              }
            } catch (const std::exception& e) {
              failure.record(e.what());
            }
          });
        }
      }
      concur::RunReport report = failure.report();
      report.counters["waves"] = waves;
      return report;
    });
  }

  concur::RunReport stop() noexcept override {
    ios_.clear();
    return {};
  }

 private:
  std::vector<std::unique_ptr<concur::Io>> ios_;  // one per lane, from start() to stop()
};

}  // namespace

CONCUR_PLUGIN(Waves)
