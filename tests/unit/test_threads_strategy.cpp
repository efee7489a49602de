// The threads strategy, loaded as the harness loads it: worker limit, exactly-once, completion order, failures.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <numeric>
#include <set>
#include <vector>

#include "fake_batch.hpp"
#include "host/plugin_loader.hpp"

namespace concur_test {
namespace {

class ThreadsStrategy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plugin_ = std::make_unique<concur::LoadedPlugin>(
        concur::load_plugin(std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "threads.so"));
  }
  static void TearDownTestSuite() { plugin_.reset(); }

  static concur::RunReport run(FakeBatch& batch, unsigned workers) {
    concur::RunOptions options;
    options.workers = workers;
    return concur_test::run_cycle(*plugin_->strategy, batch, options);
  }

  static std::unique_ptr<concur::LoadedPlugin> plugin_;
};
std::unique_ptr<concur::LoadedPlugin> ThreadsStrategy::plugin_;

TEST_F(ThreadsStrategy, DescribesItself) {
  const concur::Strategy& s = *plugin_->strategy;
  EXPECT_EQ(s.name(), "threads");
  EXPECT_EQ(s.version(), "2.0.0");
  EXPECT_FALSE(s.description().empty());
  EXPECT_EQ(s.max_workers(), 0u);  // no limit
  EXPECT_TRUE(plugin_->availability.available);
}

// 12 tasks of 30 ms on 4 workers: sleeping workers need no CPU, so even a busy
// 2-core machine has all four asleep at once at some point.
TEST_F(ThreadsStrategy, RespectsAndReachesTheWorkerLimit) {
  FakeBatch batch(FakeBatch::sleeping(12, 30ms));
  const concur::RunReport report = run(batch, 4);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.peak_in_flight(), 4);
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_FALSE(batch.lane_misuse());
  EXPECT_EQ(batch.ios_created(), 4);  // one Io per worker thread
  std::set<unsigned> workers;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_LT(batch.worker(i), 4u);
    workers.insert(batch.worker(i));
    EXPECT_EQ(batch.outcome(i).status, concur::Status::ok);
    EXPECT_EQ(batch.outcome(i).value, static_cast<std::int64_t>(i) * 10);
  }
  EXPECT_EQ(workers.size(), 4u);
  EXPECT_EQ(report.counters.at("threads"), 4.0);
}

// Outcomes are recorded as each task finishes, not in submission order: all
// four start together and the shortest (100 ms apart) finishes first.
TEST_F(ThreadsStrategy, TasksCompleteInTheirOwnOrder) {
  FakeBatch batch({{300ms, false}, {200ms, false}, {100ms, false}, {0ms, false}});
  const concur::RunReport report = run(batch, 4);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.completion_order(), (std::vector<std::size_t>{3, 2, 1, 0}));
}

TEST_F(ThreadsStrategy, ThrowingTaskIsAnErrorOutcomeAndTheOthersStillRun) {
  std::vector<TaskScript> scripts = FakeBatch::sleeping(8, 5ms);
  scripts[3].throws = true;
  FakeBatch batch(std::move(scripts));
  const concur::RunReport report = run(batch, 3);
  ASSERT_TRUE(report.ok) << report.error;  // a failed task is an outcome, not a failed run
  EXPECT_TRUE(batch.every_task_exactly_once());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i == 3) {
      EXPECT_EQ(batch.outcome(i).status, concur::Status::error);
      EXPECT_EQ(batch.outcome(i).message, "task 3 failed on purpose");
    } else {
      EXPECT_EQ(batch.outcome(i).status, concur::Status::ok) << "task " << i;
    }
  }
}

TEST_F(ThreadsStrategy, MoreWorkersThanTasksStartsOnlyAsManyThreads) {
  FakeBatch batch(FakeBatch::sleeping(3, 30ms));
  const concur::RunReport report = run(batch, 16);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_EQ(batch.peak_in_flight(), 3);
  EXPECT_EQ(batch.ios_created(), 3);
  EXPECT_EQ(report.counters.at("threads"), 3.0);
}

TEST_F(ThreadsStrategy, EmptyBatchIsOk) {
  FakeBatch batch({});
  const concur::RunReport report = run(batch, 4);
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.ios_created(), 0);
}

TEST_F(ThreadsStrategy, OneWorkerSerialises) {
  FakeBatch batch(FakeBatch::sleeping(5, 10ms));
  const concur::RunReport report = run(batch, 1);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.peak_in_flight(), 1);
  EXPECT_TRUE(batch.every_task_exactly_once());
  std::vector<std::size_t> in_order(5);
  std::iota(in_order.begin(), in_order.end(), 0);
  EXPECT_EQ(batch.completion_order(), in_order);
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(batch.worker(i), 0u);
}

TEST_F(ThreadsStrategy, ZeroWorkersIsAnError) {
  FakeBatch batch(FakeBatch::sleeping(2, 0ms));
  const concur::RunReport report = run(batch, 0);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("workers"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);
}

TEST_F(ThreadsStrategy, FailingBlockingIoIsAFailedReport) {
  FakeBatch batch(FakeBatch::sleeping(6, 0ms));
  batch.fail_blocking_io_after(2);
  const concur::RunReport report = run(batch, 4);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("out of test Ios"), std::string::npos) << report.error;
}

TEST_F(ThreadsStrategy, SuspendingIoIsAFailedReportNotAHang) {
  FakeBatch batch(FakeBatch::sleeping(6, 10ms));
  batch.hand_out_suspending_io();
  const concur::RunReport report = run(batch, 2);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("suspended"), std::string::npos) << report.error;
}

// One Strategy object runs many batches, one at a time (repetitions).
TEST_F(ThreadsStrategy, RunsBatchAfterBatch) {
  for (int repetition = 0; repetition < 3; ++repetition) {
    FakeBatch batch(FakeBatch::sleeping(10, 1ms));
    const concur::RunReport report = run(batch, 3);
    ASSERT_TRUE(report.ok) << report.error;
    EXPECT_TRUE(batch.every_task_exactly_once());
    EXPECT_LE(batch.peak_in_flight(), 3);
    EXPECT_FALSE(batch.lane_misuse());
  }
}

}  // namespace
}  // namespace concur_test
