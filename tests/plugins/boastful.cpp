// A correct sequential strategy that reports figures under the harness's own counter names: they must not replace the harness's.
#include <memory>
#include <vector>

#include "concur/concur.hpp"

namespace {

class Boastful final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "boastful"; }
  std::string_view version() const noexcept override { return "0.0.1"; }
  std::string_view description() const noexcept override { return "test plugin: claims figures it did not earn"; }
  unsigned max_workers() const noexcept override { return 1; }

  concur::RunReport start(concur::Batch&, const concur::RunOptions&) noexcept override {
    concur::RunReport report;
    report.counters["startup_seconds"] = -1;
    return report;
  }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    concur::RunReport report = concur::guarded_run([&] {
      const std::vector<std::unique_ptr<concur::Io>> ios = concur::blocking_ios(batch, 1);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (std::string why = concur::run_to_end(batch, i, *ios.front(), 0, name()); !why.empty()) {
          return concur::failed_run(why);
        }
      }
      return concur::RunReport{};
    });
    report.counters["peak_in_flight"] = 99;
    report.counters["ok"] = 0;
    report.counters["boasts"] = 1;
    return report;
  }
};

}  // namespace

CONCUR_PLUGIN(Boastful)
