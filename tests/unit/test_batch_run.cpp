// BatchRun: the harness checks what a strategy did; records must be sealed, come from a strategy that runs tasks elsewhere, and lie inside the run.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "host/host_services.hpp"
#include "run/batch_run.hpp"
#include "util/blocking_io.hpp"

namespace concur {
namespace {

using namespace std::chrono_literals;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Three loiter tasks that sleep nothing and return n * 10 for n = 0, 1, 2.
BuiltEntry three_loiters() {
  WorkloadEntry e;
  e.workload = "loiter";
  e.params.set("durations", std::vector<std::int64_t>{0, 1, 2});
  e.params.set("unit", std::int64_t{0});
  e.params.set("repeat", std::int64_t{1});
  return build_entry(e, 42);
}

// A strategy whose run() is the test's lambda.
class Scripted final : public Strategy {
 public:
  explicit Scripted(std::function<void(Batch&)> body) : body_(std::move(body)) {}
  std::string_view name() const noexcept override { return "scripted"; }
  std::string_view version() const noexcept override { return "0"; }
  std::string_view description() const noexcept override { return "test"; }
  RunReport run(Batch& batch, const RunOptions&) noexcept override {
    body_(batch);
    return {};
  }

 private:
  std::function<void(Batch&)> body_;
};

// What a TaskSource in a worker would seal for task `index` of `entry`, from `start` to `end`.
std::string sealed(const BuiltEntry& entry, std::size_t index, std::int64_t start, std::int64_t end) {
  RemoteRecord r;
  r.index = index;
  r.start_ns = start;
  r.end_ns = end;
  r.outcome.value = static_cast<std::int64_t>(index) * 10;
  return seal(r, entry.id);
}

BatchSummary run_and_check(const BuiltEntry& entry, bool remote, const std::function<void(Batch&)>& body) {
  BatchRun batch(entry, remote, nullptr);
  Scripted strategy(body);
  const RunReport report = batch.run(strategy, RunOptions{});
  return batch.check(1, report);
}

std::string all(const BatchSummary& s) {
  std::string text;
  for (const std::string& p : s.problems) text += p + "\n";
  return text;
}

TEST(BatchRun, SealedRecordsInsideTheRunAreAccepted) {
  const BuiltEntry entry = three_loiters();
  const BatchSummary s = run_and_check(entry, true, [&](Batch& batch) {
    for (std::size_t i = 0; i < 3; ++i) {
      const std::int64_t start = steady_ns();
      batch.record(sealed(entry, i, start, steady_ns()));
    }
  });
  EXPECT_TRUE(s.problems.empty()) << all(s);
  EXPECT_EQ(s.ok, 3u);
  EXPECT_EQ(s.peak_in_flight, 1u);
}

TEST(BatchRun, MadeUpRecordsAreRefused) {
  const BuiltEntry entry = three_loiters();
  const BatchSummary s = run_and_check(entry, true, [&](Batch& batch) {
    for (std::size_t i = 0; i < 3; ++i) batch.record("index " + std::to_string(i) + " ok");
  });
  ASSERT_FALSE(s.problems.empty());
  EXPECT_EQ(s.problems.front(), "the strategy handed in a record that no TaskSource sealed (forged or altered)");
  EXPECT_EQ(s.problems.back(), "3 of 3 tasks never ran");
}

// A record from an earlier run (replayed) or claiming an end still to come lies outside this run.
TEST(BatchRun, RecordsOutsideTheRunAreRefused) {
  const BuiltEntry entry = three_loiters();
  const std::int64_t before_run = steady_ns();
  const std::string replayed = sealed(entry, 0, before_run - 1'000'000, before_run);
  std::this_thread::sleep_for(1ms);
  const BatchSummary s = run_and_check(entry, true, [&](Batch& batch) {
    batch.record(replayed);
    const std::int64_t now = steady_ns();
    batch.record(sealed(entry, 1, now, now + 10'000'000'000));  // ends 10 s from now
    batch.record(sealed(entry, 2, now, now));
  });
  ASSERT_EQ(s.problems.size(), 3u) << all(s);
  EXPECT_NE(s.problems[0].find("a record for task 0 that does not lie inside this run"), std::string::npos) << s.problems[0];
  EXPECT_NE(s.problems[1].find("a record for task 1 that does not lie inside this run"), std::string::npos) << s.problems[1];
  EXPECT_EQ(s.problems[2], "2 of 3 tasks never ran");
}

TEST(BatchRun, RecordsFromAStrategyThatRunsTasksInProcessAreRefused) {
  const BuiltEntry entry = three_loiters();
  const BatchSummary s = run_and_check(entry, false, [&](Batch& batch) {
    const std::int64_t now = steady_ns();
    batch.record(sealed(entry, 0, now, now));
    batch.fail(1, 0, now, "lost");
  });
  ASSERT_GE(s.problems.size(), 2u);
  EXPECT_EQ(s.problems[0], "the strategy handed in a record, but runs tasks in concur's process (isolates_tasks() is false)");
  EXPECT_EQ(s.problems[1],
            "the strategy reported task 1 lost, but runs tasks in concur's process (isolates_tasks() is false)");
}

TEST(BatchRun, ALostTaskIsAnErrorOutcomeFromItsDispatchToNow) {
  const BuiltEntry entry = three_loiters();
  BatchRun batch(entry, true, nullptr);
  Scripted strategy([&](Batch& b) {
    const std::int64_t now = steady_ns();
    b.record(sealed(entry, 0, now, now));
    b.record(sealed(entry, 1, now, now));
    b.fail(2, 0, now, "worker pid 7 died running this task: killed by signal 9 (Killed)");
  });
  const BatchSummary s = batch.check(1, batch.run(strategy, RunOptions{}));
  EXPECT_EQ(s.ok, 2u);
  EXPECT_EQ(s.error, 1u);
  ASSERT_EQ(s.problems.size(), 1u) << all(s);  // loiter expected ok from task 2
  EXPECT_EQ(batch.records()[2].outcome.message, "worker pid 7 died running this task: killed by signal 9 (Killed)");
  EXPECT_GE(batch.records()[2].start_ns, 0);
}

TEST(BatchRun, ARecordForATaskAlreadyRecordedCountsASecondRun) {
  const BuiltEntry entry = three_loiters();
  const BatchSummary s = run_and_check(entry, true, [&](Batch& batch) {
    const std::int64_t now = steady_ns();
    for (std::size_t i = 0; i < 3; ++i) batch.record(sealed(entry, i, now, now));
    batch.record(sealed(entry, 1, now, now));
  });
  ASSERT_EQ(s.problems.size(), 1u) << all(s);
  EXPECT_EQ(s.problems[0], "loiter(1) ran 2 times");
}

// In-process tasks must run inside run() too: not in start(), not after.
TEST(BatchRun, InProcessTasksOutsideTheRunAreCounted) {
  const BuiltEntry entry = three_loiters();
  BatchRun batch(entry, false, nullptr);
  const std::unique_ptr<Io> io = make_blocking_io();
  Task early = batch.task(0, *io, 0);
  early.start();  // before run(): as a strategy that ran tasks in start() would
  Scripted strategy([&](Batch& b) {
    for (std::size_t i = 1; i < 3; ++i) b.task(i, *io, 0).start();
  });
  const BatchSummary s = batch.check(1, batch.run(strategy, RunOptions{}));
  ASSERT_EQ(s.problems.size(), 1u) << all(s);
  EXPECT_EQ(s.problems[0], "1 of 3 tasks started or ended outside Strategy::run");
}

}  // namespace
}  // namespace concur
