// The sequential strategy, loaded as the harness loads it: index order on one lane, failures reported.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <numeric>
#include <vector>

#include "fake_batch.hpp"
#include "host/plugin_loader.hpp"

namespace concur_test {
namespace {

class SequentialStrategy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plugin_ = std::make_unique<concur::LoadedPlugin>(
        concur::load_plugin(std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "sequential.so"));
  }
  static void TearDownTestSuite() { plugin_.reset(); }

  static concur::RunReport run(FakeBatch& batch, unsigned workers = 1) {
    concur::RunOptions options;
    options.workers = workers;
    return concur_test::run_cycle(*plugin_->strategy, batch, options);
  }

  static std::unique_ptr<concur::LoadedPlugin> plugin_;
};
std::unique_ptr<concur::LoadedPlugin> SequentialStrategy::plugin_;

TEST_F(SequentialStrategy, DescribesItself) {
  const concur::Strategy& s = *plugin_->strategy;
  EXPECT_EQ(s.name(), "sequential");
  EXPECT_EQ(s.version(), "1.0.0");
  EXPECT_FALSE(s.description().empty());
  EXPECT_EQ(s.max_workers(), 1u);
  EXPECT_TRUE(plugin_->availability.available);
}

TEST_F(SequentialStrategy, RunsEveryTaskInIndexOrderOnOneLane) {
  FakeBatch batch(FakeBatch::sleeping(6, 5ms));
  const concur::RunReport report = run(batch);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_EQ(batch.peak_in_flight(), 1);
  EXPECT_EQ(batch.ios_created(), 1);
  std::vector<std::size_t> in_order(6);
  std::iota(in_order.begin(), in_order.end(), 0);
  EXPECT_EQ(batch.completion_order(), in_order);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(batch.worker(i), 0u);
    EXPECT_EQ(batch.outcome(i).value, static_cast<std::int64_t>(i) * 10);
  }
}

// max_workers() is 1, but a larger limit is still honoured (one in flight is at most N).
TEST_F(SequentialStrategy, IgnoresAHigherWorkerLimit) {
  FakeBatch batch(FakeBatch::sleeping(4, 5ms));
  const concur::RunReport report = run(batch, 4);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.peak_in_flight(), 1);
}

TEST_F(SequentialStrategy, ThrowingTaskIsAnErrorOutcomeAndTheOthersStillRun) {
  std::vector<TaskScript> scripts = FakeBatch::sleeping(4, 0ms);
  scripts[1].throws = true;
  FakeBatch batch(std::move(scripts));
  const concur::RunReport report = run(batch);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_EQ(batch.outcome(1).status, concur::Status::error);
  EXPECT_EQ(batch.outcome(1).message, "task 1 failed on purpose");
  EXPECT_EQ(batch.outcome(3).status, concur::Status::ok);
}

TEST_F(SequentialStrategy, EmptyBatchIsOk) {
  FakeBatch batch({});
  const concur::RunReport report = run(batch);
  EXPECT_TRUE(report.ok) << report.error;
}

TEST_F(SequentialStrategy, ZeroWorkersIsAnError) {
  FakeBatch batch(FakeBatch::sleeping(2, 0ms));
  const concur::RunReport report = run(batch, 0);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(batch.starts(0), 0);
}

TEST_F(SequentialStrategy, FailingBlockingIoIsAFailedReport) {
  FakeBatch batch(FakeBatch::sleeping(2, 0ms));
  batch.fail_blocking_io_after(0);
  const concur::RunReport report = run(batch);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("out of test Ios"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);
}

TEST_F(SequentialStrategy, SuspendingIoIsAFailedReportNotAHang) {
  FakeBatch batch(FakeBatch::sleeping(3, 10ms));
  batch.hand_out_suspending_io();
  const concur::RunReport report = run(batch);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("task 0 suspended"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(1), 0);  // stopped at the first one
}

}  // namespace
}  // namespace concur_test
