// The uring strategy, loaded as the harness loads it: worker limit, exactly-once, compute offload, failures, lifecycle, the probe.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fake_batch.hpp"
#include "host/plugin_loader.hpp"

namespace concur_test {
namespace {

std::filesystem::path uring_plugin() { return std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "uring.so"; }

// Where things ran, shared by the tasks of one ScriptBatch.
struct ThreadLog {
  std::mutex mutex;
  std::vector<std::thread::id> work_threads;    // where op.work ran
  std::vector<std::thread::id> resume_threads;  // where the task went on after co_await io.compute
  std::set<pid_t> work_tids;                    // the kernel's ids of those threads, never reused soon
  void add(std::thread::id worked, pid_t worked_tid, std::thread::id resumed) {
    const std::lock_guard lock(mutex);
    work_threads.push_back(worked);
    work_tids.insert(worked_tid);
    resume_threads.push_back(resumed);
  }
};

// A Batch whose tasks are one coroutine function, for what FakeBatch's
// sleeping tasks cannot do: compute, HTTP, foreign awaits, a missing task.
class ScriptBatch final : public concur::Batch {
 public:
  using Body = concur::Task (*)(std::size_t index, concur::Io& io, ThreadLog& log);
  static constexpr std::size_t no_gap = static_cast<std::size_t>(-1);

  ScriptBatch(std::size_t size, Body body, std::size_t gap = no_gap)
      : body_(body), gap_(gap), outcomes_(size), ends_(size, 0) {}

  std::size_t size() const noexcept override { return outcomes_.size(); }
  concur::Task task(std::size_t index, concur::Io& io, unsigned) noexcept override {
    if (index == gap_) return {};  // a broken batch
    return recorded(index, io);
  }
  std::unique_ptr<concur::Io> blocking_io() override { throw std::logic_error("the uring strategy needs no blocking Io"); }
  std::string description() const override { return "{}"; }
  void record(std::string_view) noexcept override {}
  void fail(std::size_t, unsigned, std::int64_t, std::string_view) noexcept override {}

  // Read after the run (the tasks ran on the thread that called run()).
  const concur::Outcome& outcome(std::size_t index) const { return outcomes_.at(index); }
  int ends(std::size_t index) const { return ends_.at(index); }
  ThreadLog log;

 private:
  concur::Task recorded(std::size_t index, concur::Io& io) {
    concur::Outcome outcome = co_await body_(index, io, log);
    outcomes_[index] = outcome;
    ++ends_[index];
    co_return outcome;
  }

  Body body_;
  std::size_t gap_;
  std::vector<concur::Outcome> outcomes_;
  std::vector<int> ends_;
};

concur::Task compute_and_note_threads(std::size_t index, concur::Io& io, ThreadLog& log) {
  std::thread::id worked;
  pid_t worked_tid = 0;
  std::uint64_t sum = 0;
  co_await io.compute([&] {
    worked = std::this_thread::get_id();
    worked_tid = ::gettid();
    for (std::uint64_t i = 0; i < 100000; ++i) sum += i ^ index;
  });
  log.add(worked, worked_tid, std::this_thread::get_id());
  concur::Outcome outcome;
  outcome.value = static_cast<std::int64_t>(index) * 10;
  outcome.bytes = sum == 0 ? 0 : 1;  // keeps the loop from being optimised away
  co_return outcome;
}

concur::Task compute_that_throws(std::size_t index, concur::Io& io, ThreadLog&) {
  if (index % 2 == 1) co_await io.compute([] { throw std::runtime_error("compute failed on purpose"); });
  co_return concur::Outcome{};
}

concur::Task compute_sleep_compute(std::size_t index, concur::Io& io, ThreadLog& log) {
  std::uint64_t value = index;
  co_await io.compute([&] { value *= 3; });
  co_await io.sleep_for(1ms);
  std::thread::id worked;
  pid_t worked_tid = 0;
  co_await io.compute([&] {
    value += 1;
    worked = std::this_thread::get_id();
    worked_tid = ::gettid();
  });
  log.add(worked, worked_tid, std::this_thread::get_id());
  concur::Outcome outcome;
  outcome.value = static_cast<std::int64_t>(value);
  co_return outcome;
}

// A port on 127.0.0.1 that nothing listens on: bound, then closed.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  return bound ? ntohs(address.sin_port) : 9;
}

concur::Task http_get(std::size_t, concur::Io& io, ThreadLog&) {
  static const int port = closed_port();
  const concur::HttpResponse response = co_await io.http_get("http://127.0.0.1:" + std::to_string(port) + "/flag.gif");
  co_return concur::Outcome::error(response.error);
}

concur::Task zero_and_negative_sleeps(std::size_t index, concur::Io& io, ThreadLog&) {
  co_await io.sleep_for(0ns);
  co_await io.sleep_for(-5ms);
  concur::Outcome outcome;
  outcome.value = static_cast<std::int64_t>(index);
  co_return outcome;
}

concur::Task long_sleep(std::size_t, concur::Io& io, ThreadLog&) {
  co_await io.sleep_for(30s);
  co_return concur::Outcome{};
}

concur::Task long_compute(std::size_t, concur::Io& io, ThreadLog&) {
  co_await io.compute([] { std::this_thread::sleep_for(50ms); });
  co_return concur::Outcome{};
}

// Awaits something that is not an Io operation: nothing will ever resume it.
concur::Task foreign_await(std::size_t, concur::Io&, ThreadLog&) {
  co_await std::suspend_always{};
  co_return concur::Outcome{};
}

class UringStrategy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { plugin_ = std::make_unique<concur::LoadedPlugin>(concur::load_plugin(uring_plugin())); }
  static void TearDownTestSuite() { plugin_.reset(); }

  void SetUp() override {
    if (!plugin_->availability.available) GTEST_SKIP() << "io_uring unavailable: " << plugin_->availability.reason;
  }

  static concur::RunReport run(concur::Batch& batch, unsigned workers,
                               std::map<std::string, std::string> strategy_options = {}) {
    concur::RunOptions options;
    options.workers = workers;
    options.options = std::move(strategy_options);
    return concur_test::run_cycle(*plugin_->strategy, batch, options);
  }

  static concur::RunOptions options(unsigned workers, std::map<std::string, std::string> strategy_options = {}) {
    concur::RunOptions o;
    o.workers = workers;
    o.options = std::move(strategy_options);
    return o;
  }

  // Calls stop() when the test leaves, however it leaves: the strategy
  // object is shared by every test.
  struct StopsAtTheEnd {
    ~StopsAtTheEnd() { plugin_->strategy->stop(); }
  };

  static std::unique_ptr<concur::LoadedPlugin> plugin_;
};
std::unique_ptr<concur::LoadedPlugin> UringStrategy::plugin_;

TEST_F(UringStrategy, DescribesItself) {
  const concur::Strategy& s = *plugin_->strategy;
  EXPECT_EQ(s.name(), "uring");
  ASSERT_EQ(s.options().size(), 2u);
  EXPECT_EQ(s.options()[0].name(), "offload_threads");
  EXPECT_EQ(s.options()[0].default_value(), std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_EQ(s.options()[1].name(), "ring_entries");
  EXPECT_EQ(s.options()[1].default_value(), "4096");
  EXPECT_EQ(s.version(), "2.1.0");
  EXPECT_FALSE(s.description().empty());
  EXPECT_EQ(s.max_workers(), 0u);
  EXPECT_TRUE(s.availability().available) << s.availability().reason;
}

// 12 tasks of 30 ms, 3 in flight at most: sleeping tasks need no CPU, so all
// three lanes are busy together even on a loaded machine.
TEST_F(UringStrategy, RespectsAndReachesTheWorkerLimit) {
  FakeBatch batch(FakeBatch::sleeping(12, 30ms));
  const concur::RunReport report = run(batch, 3);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.peak_in_flight(), 3);
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_FALSE(batch.lane_misuse());
  EXPECT_EQ(batch.ios_created(), 0);  // the loop's own Io, never a blocking one
  std::set<unsigned> workers;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_LT(batch.worker(i), 3u);
    workers.insert(batch.worker(i));
    EXPECT_EQ(batch.outcome(i).status, concur::Status::ok);
    EXPECT_EQ(batch.outcome(i).value, static_cast<std::int64_t>(i) * 10);
  }
  EXPECT_EQ(workers.size(), 3u);
  EXPECT_EQ(report.counters.at("loop_peak_in_flight"), 3.0);
  EXPECT_GE(report.counters.at("submissions"), 1.0);
  // Started by start(), whether the batch computes or not: online cores by default.
  EXPECT_EQ(report.counters.at("offload_threads"), static_cast<double>(::sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_EQ(report.counters.at("ring_entries"), 4096.0);
}

TEST_F(UringStrategy, TasksCompleteInTheirOwnOrder) {
  FakeBatch batch({{300ms, false}, {200ms, false}, {100ms, false}, {0ms, false}});
  const concur::RunReport report = run(batch, 4);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.completion_order(), (std::vector<std::size_t>{3, 2, 1, 0}));
}

TEST_F(UringStrategy, OneWorkerSerialises) {
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

// All 1000 in flight at once on one thread. (FakeBatch flags worker ids of 64
// and more as lane misuse, so the ids are checked here instead.)
TEST_F(UringStrategy, ThousandTasksOnAThousandWorkers) {
  FakeBatch batch(FakeBatch::sleeping(1000, 50ms));
  const concur::RunReport report = run(batch, 1000);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.peak_in_flight(), 1000);
  EXPECT_TRUE(batch.every_task_exactly_once());
  std::set<unsigned> workers;
  for (std::size_t i = 0; i < batch.size(); ++i) workers.insert(batch.worker(i));
  EXPECT_EQ(workers.size(), 1000u);
  EXPECT_LT(*workers.rbegin(), 1000u);
  EXPECT_EQ(report.counters.at("loop_peak_in_flight"), 1000.0);
}

// A 4-entry SQ cannot hold 100 timeouts: the Io must submit to make room.
TEST_F(UringStrategy, FullSubmissionQueueIsSubmittedToMakeRoom) {
  FakeBatch batch(FakeBatch::sleeping(100, 20ms));
  const concur::RunReport report = run(batch, 100, {{"ring_entries", "4"}});
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(batch.peak_in_flight(), 100);
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_EQ(report.counters.at("ring_entries"), 4.0);
  EXPECT_GE(report.counters.at("submissions"), 25.0);
}

TEST_F(UringStrategy, EmptyBatchIsOk) {
  FakeBatch batch({});
  const concur::RunReport report = run(batch, 4);
  EXPECT_TRUE(report.ok) << report.error;
}

// Tasks that never suspend finish inside Task::start(): the done-callback runs
// re-entrantly and the loop must still start each task once, one lane at a time.
TEST_F(UringStrategy, TasksThatNeverSuspendRunOnceEach) {
  FakeBatch batch(FakeBatch::sleeping(50, 0ms));
  const concur::RunReport report = run(batch, 4);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());
  EXPECT_EQ(batch.peak_in_flight(), 1);
  EXPECT_FALSE(batch.lane_misuse());
}

TEST_F(UringStrategy, ZeroAndNegativeSleepsCompleteAtOnce) {
  ScriptBatch batch(10, zero_and_negative_sleeps);
  const concur::RunReport report = run(batch, 3);
  ASSERT_TRUE(report.ok) << report.error;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(batch.ends(i), 1);
    EXPECT_EQ(batch.outcome(i).value, static_cast<std::int64_t>(i));
  }
}

TEST_F(UringStrategy, ThrowingTaskIsAnErrorOutcomeAndTheOthersStillRun) {
  std::vector<TaskScript> scripts = FakeBatch::sleeping(8, 5ms);
  scripts[3].throws = true;
  FakeBatch batch(std::move(scripts));
  const concur::RunReport report = run(batch, 3);
  ASSERT_TRUE(report.ok) << report.error;
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

// The work runs on helper threads; the coroutine continues on the loop
// thread, which is the thread that called run().
TEST_F(UringStrategy, ComputeRunsOffTheLoopThreadAndResumesOnIt) {
  ScriptBatch batch(20, compute_and_note_threads);
  const concur::RunReport report = run(batch, 5, {{"offload_threads", "2"}});
  ASSERT_TRUE(report.ok) << report.error;
  const std::thread::id loop_thread = std::this_thread::get_id();
  ASSERT_EQ(batch.log.work_threads.size(), 20u);
  std::set<std::thread::id> helpers;
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_NE(batch.log.work_threads[i], loop_thread);
    EXPECT_EQ(batch.log.resume_threads[i], loop_thread);
    helpers.insert(batch.log.work_threads[i]);
    EXPECT_EQ(batch.ends(i), 1);
    EXPECT_EQ(batch.outcome(i).status, concur::Status::ok);
    EXPECT_EQ(batch.outcome(i).value, static_cast<std::int64_t>(i) * 10);
  }
  EXPECT_LE(helpers.size(), 2u);
  EXPECT_EQ(report.counters.at("offload_threads"), 2.0);
}

TEST_F(UringStrategy, ComputeThatThrowsIsAnErrorOutcome) {
  ScriptBatch batch(6, compute_that_throws);
  const concur::RunReport report = run(batch, 3);
  ASSERT_TRUE(report.ok) << report.error;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(batch.ends(i), 1);
    if (i % 2 == 1) {
      EXPECT_EQ(batch.outcome(i).status, concur::Status::error) << "task " << i;
      EXPECT_EQ(batch.outcome(i).message, "compute failed on purpose");
    } else {
      EXPECT_EQ(batch.outcome(i).status, concur::Status::ok) << "task " << i;
    }
  }
}

// Many tasks alternating between helper threads and timeouts: the hand-back
// path under load (and under ThreadSanitizer).
TEST_F(UringStrategy, ComputeAndSleepsInterleave) {
  ScriptBatch batch(300, compute_sleep_compute);
  const concur::RunReport report = run(batch, 32, {{"offload_threads", "3"}});
  ASSERT_TRUE(report.ok) << report.error;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(batch.ends(i), 1);
    EXPECT_EQ(batch.outcome(i).value, static_cast<std::int64_t>(i) * 3 + 1);
  }
  ASSERT_EQ(batch.log.resume_threads.size(), batch.size());
  for (const std::thread::id resumed : batch.log.resume_threads) EXPECT_EQ(resumed, std::this_thread::get_id());
}

// HTTP through the loaded plugin (test_uring_http*.cpp test it in depth): a
// refused connection is an error outcome saying so, not a failed run.
TEST_F(UringStrategy, HttpToAClosedPortIsRefused) {
  ScriptBatch batch(2, http_get);
  const concur::RunReport report = run(batch, 2);
  ASSERT_TRUE(report.ok) << report.error;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(batch.outcome(i).status, concur::Status::error);
    EXPECT_EQ(batch.outcome(i).message.rfind("connection refused (", 0), 0u) << batch.outcome(i).message;
  }
  EXPECT_EQ(report.counters.at("http_connections"), 0.0);
}

// A broken batch fails the run while two tasks sleep 30 s and compute: the
// run ends with a report (the sleeps cancelled, the helpers joined, the
// suspended tasks destroyed), not after the sleeps.
TEST_F(UringStrategy, FailureMidRunCancelsAndCleansUp) {
  ScriptBatch sleeping(4, long_sleep, 2);
  concur::RunReport report = run(sleeping, 4);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("no task for index 2"), std::string::npos) << report.error;
  EXPECT_EQ(sleeping.ends(0), 0);

  ScriptBatch computing(4, long_compute, 3);
  report = run(computing, 4, {{"offload_threads", "1"}});
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("no task for index 3"), std::string::npos) << report.error;
}

TEST_F(UringStrategy, TaskAwaitingSomethingElseIsAFailedReportNotAHang) {
  ScriptBatch batch(3, foreign_await);
  const concur::RunReport report = run(batch, 2);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("suspended"), std::string::npos) << report.error;
}

TEST_F(UringStrategy, BadOptionsAreAFailedReport) {
  FakeBatch batch(FakeBatch::sleeping(2, 0ms));
  concur::RunReport report = run(batch, 2, {{"offload_threads", "two"}});
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("offload_threads"), std::string::npos) << report.error;
  report = run(batch, 0);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("workers"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);
}

// One Strategy object runs many batches, one at a time (repetitions).
TEST_F(UringStrategy, RunsBatchAfterBatch) {
  for (int repetition = 0; repetition < 3; ++repetition) {
    FakeBatch batch(FakeBatch::sleeping(10, 1ms));
    concur::RunReport report = run(batch, 3);
    ASSERT_TRUE(report.ok) << report.error;
    EXPECT_TRUE(batch.every_task_exactly_once());
    EXPECT_EQ(batch.peak_in_flight(), 3);
    EXPECT_FALSE(batch.lane_misuse());

    ScriptBatch computing(6, compute_and_note_threads);
    report = run(computing, 2, {{"offload_threads", "1"}});
    ASSERT_TRUE(report.ok) << report.error;
    for (std::size_t i = 0; i < computing.size(); ++i) EXPECT_EQ(computing.ends(i), 1);
  }
}

// startup: untimed: one start(), then batch after batch on the same engine
// (new Batch objects of the same tasks, as the harness makes them). Every
// task runs once each time, and the helper threads are the ones start()
// made: threads started per batch would bring new kernel thread ids.
TEST_F(UringStrategy, StartsOnceAndRunsManyBatchesOnTheSameEngine) {
  concur::Strategy& strategy = *plugin_->strategy;
  const StopsAtTheEnd stops;
  const concur::RunOptions o = options(3, {{"offload_threads", "2"}});
  ScriptBatch first(9, compute_and_note_threads);
  const concur::RunReport started = strategy.start(first, o);
  ASSERT_TRUE(started.ok) << started.error;
  EXPECT_EQ(started.counters.at("offload_threads"), 2.0);
  EXPECT_EQ(started.counters.at("ring_entries"), 4096.0);

  std::set<pid_t> helpers;
  for (int repetition = 0; repetition < 4; ++repetition) {
    ScriptBatch batch(9, compute_and_note_threads);
    const concur::RunReport report = strategy.run(batch, o);
    ASSERT_TRUE(report.ok) << "batch " << repetition << ": " << report.error;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ(batch.ends(i), 1) << "batch " << repetition << ", task " << i;
      EXPECT_EQ(batch.outcome(i).value, static_cast<std::int64_t>(i) * 10);
    }
    EXPECT_EQ(report.counters.at("loop_peak_in_flight"), 3.0);
    EXPECT_GE(report.counters.at("submissions"), 1.0);
    EXPECT_EQ(report.counters.count("offload_threads"), 0u);  // start()'s figure
    helpers.insert(batch.log.work_tids.begin(), batch.log.work_tids.end());

    FakeBatch sleeping(FakeBatch::sleeping(9, 1ms));  // same engine, other work: nothing left over
    const concur::RunReport slept = strategy.run(sleeping, o);
    ASSERT_TRUE(slept.ok) << slept.error;
    EXPECT_TRUE(sleeping.every_task_exactly_once());
    EXPECT_FALSE(sleeping.lane_misuse());
  }
  EXPECT_GE(helpers.size(), 1u);
  EXPECT_LE(helpers.size(), 2u);
}

// A failed batch shuts the engine down; run() then says so instead of
// running on a broken engine, until start() makes a new one.
TEST_F(UringStrategy, AfterAFailedBatchRunRefusesUntilStartedAgain) {
  concur::Strategy& strategy = *plugin_->strategy;
  const StopsAtTheEnd stops;
  const concur::RunOptions o = options(4, {{"offload_threads", "1"}});
  ScriptBatch broken(4, long_sleep, 2);
  ASSERT_TRUE(strategy.start(broken, o).ok);
  concur::RunReport report = strategy.run(broken, o);
  ASSERT_FALSE(report.ok);
  EXPECT_NE(report.error.find("no task for index 2"), std::string::npos) << report.error;

  FakeBatch batch(FakeBatch::sleeping(4, 1ms));
  report = strategy.run(batch, o);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("after a failed batch"), std::string::npos) << report.error;
  EXPECT_NE(report.error.find("no task for index 2"), std::string::npos) << report.error;
  EXPECT_NE(report.error.find("start() again"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);

  strategy.stop();
  ASSERT_TRUE(strategy.start(batch, o).ok);
  report = strategy.run(batch, o);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());
}

// stop() is called after a failed start() too, and may come without any.
TEST_F(UringStrategy, StopWithoutASuccessfulStartIsHarmless) {
  concur::Strategy& strategy = *plugin_->strategy;
  strategy.stop();
  strategy.stop();
  FakeBatch batch(FakeBatch::sleeping(2, 1ms));
  concur::RunReport report = strategy.run(batch, options(2));
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("without a successful start()"), std::string::npos) << report.error;

  EXPECT_FALSE(strategy.start(batch, options(2, {{"ring_entries", "none"}})).ok);
  strategy.stop();
  report = strategy.run(batch, options(2));
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("without a successful start()"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);

  report = run(batch, 2);  // and then a whole cycle works
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());
}

// Options are read in start(), through their declarations: a bad one (which
// a suite could not pass) fails it.
TEST_F(UringStrategy, BadOptionFailsStart) {
  concur::Strategy& strategy = *plugin_->strategy;
  FakeBatch batch(FakeBatch::sleeping(2, 0ms));
  const std::pair<std::map<std::string, std::string>, std::string> cases[] = {
      {{{"offload_threads", "0"}}, "option offload_threads: expected an integer from 1 to 100000, got \"0\""},
      {{{"offload_threads", "2x"}}, "option offload_threads: expected an integer from 1 to 100000, got \"2x\""},
      {{{"ring_entries", "-1"}}, "option ring_entries: expected an integer from 1 to 32768, got \"-1\""},
      {{{"ring_entries", ""}}, "option ring_entries: expected an integer from 1 to 32768, got \"\""},
  };
  for (const auto& [strategy_options, message] : cases) {
    const concur::RunReport report = strategy.start(batch, options(2, strategy_options));
    strategy.stop();
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.error, message);
  }
  const concur::RunReport report = strategy.start(batch, options(0));
  strategy.stop();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.error, "workers must be at least 1");
  EXPECT_EQ(batch.starts(0), 0);
}

// Makes io_uring_setup fail with EPERM in this process from now on, as a
// container runtime's seccomp profile does; false when it cannot.
bool block_io_uring_setup() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  const sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

// When the kernel refuses the ring, start() says why in the very words the
// probe uses for the same ring. In a child process (the filter cannot be
// lifted) io_uring_setup is blocked by seccomp; the probe of a plugin loaded
// there and start() of the one loaded here must then give the same reason.
TEST_F(UringStrategy, RefusedRingFailsStartWithTheProbesExplanation) {
  const auto refused = [] {
    if (!block_io_uring_setup()) {
      std::fprintf(stderr, "could not install a seccomp filter\n");
      std::_Exit(2);
    }
    const concur::LoadedPlugin blocked = concur::load_plugin(uring_plugin());
    FakeBatch batch(FakeBatch::sleeping(2, 1ms));
    const concur::RunReport report = plugin_->strategy->start(batch, options(2, {{"offload_threads", "1"}}));
    plugin_->strategy->stop();
    std::fprintf(stderr, "probe: %s\nstart: %s\n", blocked.availability.reason.c_str(), report.error.c_str());
    std::string disabled;
    std::getline(std::ifstream("/proc/sys/kernel/io_uring_disabled"), disabled);
    const bool explained = disabled == "1" || report.error.find("seccomp") != std::string::npos;
    const bool as_probe = !blocked.availability.available && !report.ok && report.error == blocked.availability.reason;
    // Leaves at once: no destructor, no atexit handler of the parent's state runs here.
    std::_Exit(explained && as_probe && batch.starts(0) == 0 ? 0 : 1);
  };
  EXPECT_EXIT(refused(), ::testing::ExitedWithCode(0),
              "start: io_uring_setup failed for a ring of 4096 SQ and 8192 CQ entries: Operation not permitted");
}

// CONCUR_URING_FORCE_UNAVAILABLE makes the probe say no, as on a machine
// where io_uring is disabled: the reason is shown and start() refuses loudly.
TEST(UringStrategyProbe, ForcedUnavailableIsReportedAndRunRefuses) {
  ASSERT_EQ(::setenv("CONCUR_URING_FORCE_UNAVAILABLE", "pretending kernel.io_uring_disabled = 2", 1), 0);
  std::unique_ptr<concur::LoadedPlugin> plugin;
  try {
    plugin = std::make_unique<concur::LoadedPlugin>(concur::load_plugin(uring_plugin()));
  } catch (...) {
    ::unsetenv("CONCUR_URING_FORCE_UNAVAILABLE");
    throw;
  }
  ::unsetenv("CONCUR_URING_FORCE_UNAVAILABLE");

  EXPECT_FALSE(plugin->availability.available);
  EXPECT_NE(plugin->availability.reason.find("pretending kernel.io_uring_disabled = 2"), std::string::npos)
      << plugin->availability.reason;
  EXPECT_NE(plugin->availability.reason.find("CONCUR_URING_FORCE_UNAVAILABLE"), std::string::npos);

  FakeBatch batch(FakeBatch::sleeping(3, 1ms));
  concur::RunOptions options;
  options.workers = 2;
  const concur::RunReport report = plugin->strategy->start(batch, options);
  plugin->strategy->stop();
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("io_uring is unavailable"), std::string::npos) << report.error;
  EXPECT_NE(report.error.find("pretending kernel.io_uring_disabled = 2"), std::string::npos) << report.error;
  EXPECT_EQ(batch.starts(0), 0);
}

}  // namespace
}  // namespace concur_test
