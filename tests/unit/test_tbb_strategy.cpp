// The tbb strategy, loaded as the harness loads it: worker limit (above the core count too), exactly-once, failures.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_batch.hpp"
#include "host/plugin_loader.hpp"

namespace concur_test {
// TBB workers join an arena shortly after its tasks are spawned. Under
// ThreadSanitizer's slowdown they may arrive after the tasks are gone, so
// there only the limit is checked; TSan runs are for races, not scheduling.
#if defined(__SANITIZE_THREAD__)
#define EXPECT_PEAK_REACHED(peak, limit) EXPECT_LE(peak, limit)
#else
#define EXPECT_PEAK_REACHED(peak, limit) EXPECT_EQ(peak, limit)
#endif

namespace {

class TbbStrategy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plugin_ = std::make_unique<concur::LoadedPlugin>(
        concur::load_plugin(std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "tbb.so"));
  }
  static void TearDownTestSuite() { plugin_.reset(); }

  static concur::RunReport run(FakeBatch& batch, unsigned workers) {
    concur::RunOptions options;
    options.workers = workers;
    return concur_test::run_cycle(*plugin_->strategy, batch, options);
  }

  static std::unique_ptr<concur::LoadedPlugin> plugin_;
};
std::unique_ptr<concur::LoadedPlugin> TbbStrategy::plugin_;

TEST_F(TbbStrategy, DescribesItself) {
  const concur::Strategy& s = *plugin_->strategy;
  EXPECT_EQ(s.name(), "tbb");
  EXPECT_EQ(s.version(), "2.0.0");
  EXPECT_FALSE(s.description().empty());
  EXPECT_EQ(s.max_workers(), 256u);  // what TBB guarantees on any machine
  EXPECT_FALSE(s.isolates_tasks());
  EXPECT_TRUE(plugin_->availability.available);
}

// 12 tasks of 30 ms on 3 workers: sleeping tasks need no CPU, so all three
// slots are busy at once at some point. On a 2-core machine this also checks
// that the strategy lifts TBB's process-wide cap of cores - 1 worker threads.
TEST_F(TbbStrategy, RespectsAndReachesTheWorkerLimit) {
  FakeBatch batch(FakeBatch::sleeping(12, 30ms));
  const concur::RunReport report = run(batch, 3);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_PEAK_REACHED(batch.peak_in_flight(), 3);
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_FALSE(batch.lane_misuse());
  EXPECT_EQ(batch.ios_created(), 3);  // one Io per arena slot
  std::set<unsigned> workers;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_LT(batch.worker(i), 3u);
    workers.insert(batch.worker(i));
    EXPECT_EQ(batch.outcome(i).status, concur::Status::ok);
    EXPECT_EQ(batch.outcome(i).value, static_cast<std::int64_t>(i) * 10);
  }
  EXPECT_EQ(workers.size(), 3u);
  EXPECT_EQ(report.counters.at("arena_concurrency"), 3.0);
}

// The same on any machine: more workers than cores (within FakeBatch's lanes).
TEST_F(TbbStrategy, ReachesAWorkerLimitAboveTheCoreCount) {
  const unsigned workers = std::min(std::max(std::thread::hardware_concurrency(), 1u) + 2, 48u);
  FakeBatch batch(FakeBatch::sleeping(3 * workers, 30ms));
  const concur::RunReport report = run(batch, workers);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_PEAK_REACHED(batch.peak_in_flight(), static_cast<int>(workers));
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_FALSE(batch.lane_misuse());
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_LT(batch.worker(i), workers);
  EXPECT_EQ(report.counters.at("arena_concurrency"), static_cast<double>(workers));
}

// Outcomes are recorded as each task finishes, not in submission order: all
// four start together and the shortest (100 ms apart) finishes first.
TEST_F(TbbStrategy, TasksCompleteInTheirOwnOrder) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "needs all four TBB workers in the arena within 100 ms, which TSan's slowdown does not give";
#endif
  FakeBatch batch({{300ms, false}, {200ms, false}, {100ms, false}, {0ms, false}});
  const concur::RunReport report = run(batch, 4);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.completion_order(), (std::vector<std::size_t>{3, 2, 1, 0}));
}

TEST_F(TbbStrategy, ThrowingTaskIsAnErrorOutcomeAndTheOthersStillRun) {
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

// TBB workers join an arena a little after its tasks are spawned (woken, or
// started the first time): with only as many tasks as slots, each lasts long
// enough for the last one to arrive, even under a sanitizer.
TEST_F(TbbStrategy, MoreWorkersThanTasksMakesAnArenaOfTheBatchSize) {
  FakeBatch batch(FakeBatch::sleeping(3, 200ms));
  const concur::RunReport report = run(batch, 16);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_PEAK_REACHED(batch.peak_in_flight(), 3);
  EXPECT_EQ(batch.ios_created(), 3);
  EXPECT_EQ(report.counters.at("arena_concurrency"), 3.0);
}

TEST_F(TbbStrategy, EmptyBatchIsOk) {
  FakeBatch batch({});
  const concur::RunReport report = run(batch, 4);
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.ios_created(), 0);
  EXPECT_EQ(report.counters.at("arena_concurrency"), 0.0);
}

// One slot, the calling thread's: tasks run one after another, in index order.
TEST_F(TbbStrategy, OneWorkerSerialises) {
  FakeBatch batch(FakeBatch::sleeping(5, 10ms));
  const concur::RunReport report = run(batch, 1);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.peak_in_flight(), 1);
  EXPECT_TRUE(batch.every_task_exactly_once());
  std::vector<std::size_t> in_order(5);
  std::iota(in_order.begin(), in_order.end(), 0);
  EXPECT_EQ(batch.completion_order(), in_order);
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(batch.worker(i), 0u);
  EXPECT_EQ(report.counters.at("arena_concurrency"), 1.0);
}

TEST_F(TbbStrategy, ZeroWorkersIsAnError) {
  FakeBatch batch(FakeBatch::sleeping(2, 0ms));
  const concur::RunReport report = run(batch, 0);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("workers"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);
}

// TBB guarantees 256 worker threads on any machine; more cannot be promised.
TEST_F(TbbStrategy, MoreWorkersThanTbbCanHaveIsAnError) {
  FakeBatch batch(FakeBatch::sleeping(300, 0ms));
  const concur::RunReport report = run(batch, 300);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("at most 256"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);
  EXPECT_EQ(batch.ios_created(), 0);
}

TEST_F(TbbStrategy, FailingBlockingIoIsAFailedReport) {
  FakeBatch batch(FakeBatch::sleeping(6, 0ms));
  batch.fail_blocking_io_after(2);
  const concur::RunReport report = run(batch, 4);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("out of test Ios"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);  // nothing runs without its Io
}

// The same strategy object then still runs a good batch.
TEST_F(TbbStrategy, SuspendingIoIsAFailedReportNotAHang) {
  FakeBatch batch(FakeBatch::sleeping(6, 10ms));
  batch.hand_out_suspending_io();
  const concur::RunReport report = run(batch, 2);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("suspended"), std::string::npos) << report.error;

  FakeBatch good(FakeBatch::sleeping(6, 1ms));
  const concur::RunReport again = run(good, 2);
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_TRUE(good.every_task_exactly_once());
}

// One Strategy object runs many batches, one at a time (repetitions, sweeps),
// each with its own arena: going up and down in workers, every limit is
// respected and reached.
TEST_F(TbbStrategy, RunsBatchAfterBatchWithDifferentWorkerCounts) {
  for (const unsigned workers : {3u, 1u, 5u, 2u, 4u, 3u}) {
    FakeBatch batch(FakeBatch::sleeping(4 * workers, 20ms));
    const concur::RunReport report = run(batch, workers);
    ASSERT_TRUE(report.ok) << report.error;
    EXPECT_TRUE(batch.every_task_exactly_once()) << workers << " workers";
    EXPECT_PEAK_REACHED(batch.peak_in_flight(), static_cast<int>(workers));
    EXPECT_FALSE(batch.lane_misuse()) << workers << " workers";
    EXPECT_EQ(batch.ios_created(), static_cast<int>(workers));
    EXPECT_EQ(report.counters.at("arena_concurrency"), static_cast<double>(workers));
  }
}

int threads_in_this_process() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// TBB's worker threads belong to the process and would outlive the arena;
// start() brings them in and stop() ends them (the next start makes its own),
// which also lets the plugin, and libtbb with it, be unloaded (a worker left
// sleeping in unmapped code crashes this test binary). Its own plugin object,
// loaded after TbbStrategy's suite has released its own.
TEST(TbbPluginUnload, StopEndsTbbWorkerThreadsBeforeTheLibraryGoes) {
  std::thread([] {}).join();  // ThreadSanitizer starts its own thread with the first one: count it in `before`
  const int before = threads_in_this_process();
  ASSERT_GT(before, 0);
  {
    concur::LoadedPlugin plugin = concur::load_plugin(std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "tbb.so");
    FakeBatch batch(FakeBatch::sleeping(32, 20ms));
    concur::RunOptions options;
    options.workers = 8;
    ASSERT_TRUE(plugin.strategy->start(batch, options).ok);
    EXPECT_EQ(threads_in_this_process(), before + 7);  // start() brought the arena's 7 workers in
    const concur::RunReport report = plugin.strategy->run(batch, options);
    ASSERT_TRUE(report.ok) << report.error;
    EXPECT_PEAK_REACHED(batch.peak_in_flight(), 8);
    EXPECT_TRUE(plugin.strategy->stop().ok);
    EXPECT_EQ(threads_in_this_process(), before);  // stop() ended them, the plugin still loaded
  }
  EXPECT_EQ(threads_in_this_process(), before);
  std::this_thread::sleep_for(100ms);  // time for a stray worker to wake in unmapped code
  EXPECT_EQ(threads_in_this_process(), before);
}

}  // namespace
}  // namespace concur_test
