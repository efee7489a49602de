#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/outcome_text.hpp"
#include "util/units.hpp"
#include "workloads/factories.hpp"

namespace concur {
namespace {

// loiter(n) sleeps n units and returns n * 10: no CPU, no bytes, only waiting,
// so it shows how a strategy schedules waits (which tasks start when, and in
// what order results arrive).
class LoiterWorkload final : public Workload {
 public:
  explicit LoiterWorkload(const Params& params) : unit_(params.integer("unit")) {
    const std::vector<std::int64_t>& durations = params.list("durations");
    const std::int64_t repeat = params.integer("repeat");
    if (unit_ < 0 || repeat < 0) throw std::invalid_argument("loiter: unit and repeat cannot be negative");
    for (const std::int64_t n : durations) {
      std::int64_t ns = 0;
      if (n < 0 || __builtin_mul_overflow(n, unit_, &ns)) {
        throw std::invalid_argument("loiter: cannot sleep " + std::to_string(n) + " x " +
                                    format_duration(std::chrono::nanoseconds{unit_}));
      }
    }
    multiples_.reserve(durations.size() * static_cast<std::size_t>(repeat));
    for (std::int64_t r = 0; r < repeat; ++r) multiples_.insert(multiples_.end(), durations.begin(), durations.end());
  }

  std::size_t size() const override { return multiples_.size(); }

  std::string label(std::size_t index) const override { return "loiter(" + std::to_string(multiples_.at(index)) + ")"; }

  std::string start_message(std::size_t index) const override {
    return "doing nothing for " + format_duration(sleep_of(index)) + "...";
  }

  Task run(std::size_t index, Io& io) const override {
    const std::int64_t n = multiples_.at(index);
    co_await io.sleep_for(sleep_of(index));
    Outcome outcome;
    outcome.value = n * 10;
    co_return outcome;
  }

  std::string verify(std::size_t index, const Outcome& outcome) const override {
    if (index >= multiples_.size()) return "no task " + std::to_string(index);
    if (outcome.status != Status::ok) return "expected ok, got " + describe_outcome(outcome);
    const std::int64_t expected = multiples_[index] * 10;
    if (outcome.value != expected) {
      return "returned " + std::to_string(outcome.value) + ", expected " + std::to_string(expected);
    }
    return {};
  }

  std::string result_text(std::size_t, const Outcome& outcome) const override {
    if (outcome.status != Status::ok) return describe_outcome(outcome);
    return std::to_string(outcome.value);
  }

  std::uint64_t bytes() const override { return 0; }

 private:
  std::chrono::nanoseconds sleep_of(std::size_t index) const {
    return std::chrono::nanoseconds{multiples_.at(index) * unit_};
  }

  std::int64_t unit_;
  std::vector<std::int64_t> multiples_;  // n of every task: durations, `repeat` times over
};

}  // namespace

std::unique_ptr<Workload> make_loiter_workload(const Params& params, std::uint64_t /*seed*/, InputStore& /*inputs: none*/) {
  return std::make_unique<LoiterWorkload>(params);
}

}  // namespace concur
