// loiter: task n sleeps n units and returns n * 10, like the executor.map demo.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "run_task.hpp"
#include "workloads/workload.hpp"

namespace concur {
namespace {

using namespace std::chrono_literals;

// Blocking Io for tests that also records the sleeps it was asked for.
class InlineIo final : public Io {
 public:
  std::vector<std::chrono::nanoseconds> sleeps;

  bool begin(Sleep& op) noexcept override {
    sleeps.push_back(op.duration);
    std::this_thread::sleep_for(op.duration);
    return true;
  }
  bool begin(HttpGet& op) noexcept override {
    op.failure = std::make_exception_ptr(std::runtime_error("no HTTP in unit tests"));
    return true;
  }
  bool begin(Compute& op) noexcept override {
    try {
      op.work();
    } catch (...) {
      op.failure = std::current_exception();
    }
    return true;
  }
};

Outcome run_task(const Workload& workload, std::size_t index, InlineIo& io) {
  Task task = workload.run(index, io);
  task.start();
  EXPECT_TRUE(task.done());
  return task.take_outcome();
}

Params loiter_params(std::vector<std::int64_t> durations, std::chrono::nanoseconds unit, std::int64_t repeat = 1) {
  Params params;
  params.set("durations", std::move(durations));
  params.set("unit", std::int64_t{unit.count()});
  params.set("repeat", repeat);
  return params;
}

std::unique_ptr<Workload> make(const Params& params) { return find_workload_type("loiter")->create(params, 42, inputs()); }

TEST(LoiterWorkload, DefaultsAreTheExecutorDemo) {
  Params params;
  for (const auto& spec : find_workload_type("loiter")->params) params.set(spec.name, spec.default_value);
  const auto workload = make(params);
  ASSERT_EQ(workload->size(), 5u);
  EXPECT_EQ(workload->label(0), "loiter(0)");
  EXPECT_EQ(workload->label(4), "loiter(4)");
  EXPECT_EQ(workload->start_message(0), "doing nothing for 0s...");
  EXPECT_EQ(workload->start_message(1), "doing nothing for 1s...");
  EXPECT_EQ(workload->start_message(3), "doing nothing for 3s...");
  EXPECT_EQ(workload->bytes(), 0u);
}

TEST(LoiterWorkload, TaskSleepsNUnitsAndReturnsTenN) {
  const auto workload = make(loiter_params({0, 1, 2, 3}, 2ms));
  InlineIo io;
  for (std::size_t k = 0; k < workload->size(); ++k) {
    const Outcome outcome = run_task(*workload, k, io);
    ASSERT_EQ(outcome.status, Status::ok) << outcome.message;
    EXPECT_EQ(outcome.value, static_cast<std::int64_t>(k) * 10);
    EXPECT_EQ(outcome.bytes, 0u);
    EXPECT_EQ(workload->verify(k, outcome), "");
    EXPECT_EQ(workload->result_text(k, outcome), std::to_string(k * 10));
  }
  EXPECT_EQ(io.sleeps, (std::vector<std::chrono::nanoseconds>{0ms, 2ms, 4ms, 6ms}));
  EXPECT_EQ(workload->start_message(3), "doing nothing for 6ms...");
}

TEST(LoiterWorkload, ReallyWaits) {
  const auto workload = make(loiter_params({3}, 10ms));
  InlineIo io;
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = run_task(*workload, 0, io);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_EQ(outcome.value, 30);
}

TEST(LoiterWorkload, RepeatRepeatsTheWholeList) {
  const auto workload = make(loiter_params({2, 0}, 1us, 3));
  ASSERT_EQ(workload->size(), 6u);
  std::vector<std::string> labels;
  for (std::size_t k = 0; k < workload->size(); ++k) labels.push_back(workload->label(k));
  EXPECT_EQ(labels, (std::vector<std::string>{"loiter(2)", "loiter(0)", "loiter(2)", "loiter(0)", "loiter(2)", "loiter(0)"}));
  InlineIo io;
  EXPECT_EQ(run_task(*workload, 4, io).value, 20);
  EXPECT_EQ(workload->start_message(4), "doing nothing for 2us...");
}

TEST(LoiterWorkload, VerifyRejectsWrongValueOrStatus) {
  const auto workload = make(loiter_params({1, 4}, 1us));
  InlineIo io;
  const Outcome good = run_task(*workload, 1, io);
  ASSERT_EQ(workload->verify(1, good), "");
  Outcome wrong = good;
  wrong.value = 41;
  EXPECT_EQ(workload->verify(1, wrong), "returned 41, expected 40");
  EXPECT_EQ(workload->verify(0, good), "returned 40, expected 10");
  EXPECT_EQ(workload->verify(1, Outcome::error("interrupted")), "expected ok, got error: interrupted");
  EXPECT_EQ(workload->result_text(1, Outcome::error("interrupted")), "error: interrupted");
  EXPECT_NE(workload->verify(2, good), "");
}

TEST(LoiterWorkload, BadIndexIsAnErrorOutcome) {
  const auto workload = make(loiter_params({1}, 1us));
  InlineIo io;
  EXPECT_EQ(run_task(*workload, 1, io).status, Status::error);
  EXPECT_TRUE(io.sleeps.empty());
}

}  // namespace
}  // namespace concur
