// The fault workload: tasks that sleep, throw, crash or hang on purpose, to check how strategies cope.
#include <chrono>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>

#include "util/outcome_text.hpp"
#include "util/units.hpp"
#include "workloads/factories.hpp"

namespace concur {
namespace {

enum class Fault { none, throws, crashes, hangs };

// Task i sleeps `sleep` and returns i, unless it is listed to throw, crash
// (std::abort: only a strategy that isolates tasks in processes survives it)
// or hang (sleep an hour: only a strategy enforcing `timeout` ends it).
// verify() expects exactly that: ok for plain tasks, an error outcome for
// faulty ones, so a batch passes when the strategy handled every fault.
class FaultWorkload final : public Workload {
 public:
  explicit FaultWorkload(const Params& params) : sleep_(params.integer("sleep")) {
    const auto jobs = static_cast<std::size_t>(params.integer("jobs"));
    faults_.assign(jobs, Fault::none);
    mark(params.list("throw_at"), Fault::throws, "throw_at");
    mark(params.list("crash_at"), Fault::crashes, "crash_at");
    mark(params.list("hang_at"), Fault::hangs, "hang_at");
  }

  std::size_t size() const override { return faults_.size(); }
  std::string label(std::size_t index) const override { return "fault(" + std::to_string(index) + ")"; }

  std::string start_message(std::size_t index) const override {
    switch (faults_.at(index)) {
      case Fault::throws: return "throwing on purpose...";
      case Fault::crashes: return "crashing the process on purpose...";
      case Fault::hangs: return "hanging for an hour on purpose...";
      case Fault::none: break;
    }
    return "doing nothing for " + format_duration(sleep_) + "...";
  }

  Task run(std::size_t index, Io& io) const override {
    switch (faults_.at(index)) {
      case Fault::throws: throw std::runtime_error("fault(" + std::to_string(index) + ") throws on purpose");
      case Fault::crashes: std::abort();
      case Fault::hangs: co_await io.sleep_for(std::chrono::hours(1)); break;
      case Fault::none: co_await io.sleep_for(sleep_); break;
    }
    Outcome outcome;
    outcome.value = static_cast<std::int64_t>(index);
    co_return outcome;
  }

  std::string verify(std::size_t index, const Outcome& outcome) const override {
    if (index >= faults_.size()) return "no task " + std::to_string(index);
    if (faults_[index] == Fault::none) {
      if (outcome.status != Status::ok) return "expected ok, got " + describe_outcome(outcome);
      if (outcome.value != static_cast<std::int64_t>(index)) return "returned " + std::to_string(outcome.value);
      return {};
    }
    if (outcome.status != Status::error) return "a faulty task must end as an error outcome, got " + std::string(to_string(outcome.status));
    if (outcome.message.empty()) return "the error outcome of a faulty task must say what happened";
    return {};
  }

  std::string result_text(std::size_t, const Outcome& outcome) const override {
    return outcome.status == Status::ok ? std::to_string(outcome.value) : describe_outcome(outcome);
  }

  std::uint64_t bytes() const override { return 0; }

  bool crashes_process() const override {
    for (Fault f : faults_) {
      if (f == Fault::crashes) return true;
    }
    return false;
  }

 private:
  void mark(const std::vector<std::int64_t>& indexes, Fault fault, const char* key) {
    for (std::int64_t i : indexes) {
      if (i < 0 || static_cast<std::size_t>(i) >= faults_.size()) {
        throw std::invalid_argument(std::string("fault: ") + key + " names task " + std::to_string(i) + " of " +
                                    std::to_string(faults_.size()));
      }
      faults_[static_cast<std::size_t>(i)] = fault;
    }
  }

  std::chrono::nanoseconds sleep_;
  std::vector<Fault> faults_;
};

}  // namespace

std::unique_ptr<Workload> make_fault_workload(const Params& params, std::uint64_t, InputStore&) {
  return std::make_unique<FaultWorkload>(params);
}

}  // namespace concur
