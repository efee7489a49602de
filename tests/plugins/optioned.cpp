// A plugin declaring an option of every type that reports what it read as counters; written against the SDK alone, as out of tree.
#include <span>
#include <string>

#include "concur/concur.hpp"

namespace {

class Optioned final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "optioned"; }
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override {
    return "test plugin: runs tasks one after another and reports the options it read";
  }
  unsigned max_workers() const noexcept override { return 1; }
  std::span<const concur::Option> options() const noexcept override { return declared_; }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    return concur::guarded_run([&] {
      const auto io = batch.blocking_io();
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (std::string why = concur::run_to_end(batch, i, *io, 0, name()); !why.empty()) return concur::failed_run(why);
      }
      concur::RunReport report;
      report.counters["level"] = static_cast<double>(level_.read_integer(options.options));
      report.counters["loud"] = loud_.read_boolean(options.options) ? 1 : 0;
      report.counters["fast"] = mode_.read_text(options.options) == "fast" ? 1 : 0;
      report.counters["label_bytes"] = static_cast<double>(label_.read_text(options.options).size());
      return report;
    });
  }

 private:
  const concur::Option declared_[4] = {
      concur::Option::integer("level", 3, 1, 10, "how hard to try"),
      concur::Option::boolean("loud", false, "whether to shout"),
      concur::Option::choice("mode", "slow", {"slow", "fast"}, "the pace"),
      concur::Option::text("label", "none", "a name for the run"),
  };
  const concur::Option& level_ = declared_[0];
  const concur::Option& loud_ = declared_[1];
  const concur::Option& mode_ = declared_[2];
  const concur::Option& label_ = declared_[3];
};

}  // namespace

CONCUR_PLUGIN(Optioned)
