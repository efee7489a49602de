// The fork strategy through the harness's own BatchRun: verification, worker limit, crashes, timeouts, process hygiene.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "batch_run.hpp"
#include "fork_plugin.hpp"
#include "host_services.hpp"
#include "process_threads.hpp"
#include "suite.hpp"
#include "workload.hpp"

namespace concur_fork_test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr std::uint64_t seed = 42;

concur::Strategy& strategy() { return *fork_plugin().strategy; }

// A suite entry with every parameter at its default except `overrides`.
concur::WorkloadEntry entry(const std::string& workload, const std::map<std::string, concur::ParamValue>& overrides = {}) {
  const concur::WorkloadType* type = concur::find_workload_type(workload);
  if (!type) throw std::runtime_error("no workload " + workload);
  concur::WorkloadEntry e;
  e.workload = workload;
  for (const concur::ParamSpec& spec : type->params) e.params.set(spec.name, spec.default_value);
  for (const auto& [name, value] : overrides) e.params.set(name, value);
  return e;
}

struct Ran {
  concur::RunReport prepared;
  concur::RunReport report;
  concur::BatchSummary summary;
  std::vector<concur::TaskRecord> records;
  std::chrono::nanoseconds elapsed{};

  double counter(const std::string& name) const {
    const auto it = report.counters.find(name);
    return it == report.counters.end() ? -1 : it->second;
  }
};

// What the runner does for one case: build the inputs, prepare (untimed),
// run, check. `description` replaces the entry's when given.
Ran run_entry(const concur::WorkloadEntry& e, unsigned workers, std::chrono::nanoseconds timeout = 0ns,
              concur::Strategy& s = strategy(), const std::string* description = nullptr) {
  const std::unique_ptr<concur::Workload> workload = concur::find_workload_type(e.workload)->create(e.params, seed);
  concur::BatchRun batch(*workload, description ? *description : concur::describe_entry(e, seed), nullptr);
  concur::RunOptions options;
  options.workers = workers;
  options.task_timeout = timeout;
  Ran ran;
  ran.prepared = s.prepare(batch, options);
  const auto started = std::chrono::steady_clock::now();
  ran.report = s.run(batch, options);
  ran.elapsed = std::chrono::steady_clock::now() - started;
  ran.summary = batch.check(workers, ran.report);
  ran.records = batch.records();
  return ran;
}

std::string problems(const Ran& ran) {
  std::string text;
  for (const std::string& p : ran.summary.problems) text += "\n  " + p;
  return text;
}

struct ProcessState {
  pid_t pid;
  char state;  // R, S, Z...
};

// Every process whose parent is `parent`, from /proc/<pid>/stat.
std::vector<ProcessState> children_of(pid_t parent) {
  std::vector<ProcessState> children;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = dir.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(dir.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;  // gone meanwhile
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 4 > stat.size()) continue;
    char state = stat[close + 2];
    const pid_t ppid = static_cast<pid_t>(std::stol(stat.substr(close + 4)));
    if (ppid == parent) children.push_back({static_cast<pid_t>(std::stol(name)), state});
  }
  return children;
}

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// The fork server: the one child of this process.
pid_t server_pid() {
  const std::vector<ProcessState> children = children_of(::getpid());
  return children.size() == 1 ? children.front().pid : -1;
}

TEST(ForkStrategy, DescribesItselfAndIsAvailable) {
  const concur::Strategy& s = strategy();
  EXPECT_EQ(s.name(), "fork");
  EXPECT_EQ(s.version(), "1.0.0");
  EXPECT_FALSE(s.description().empty());
  EXPECT_EQ(s.max_workers(), 0u);
  EXPECT_TRUE(s.isolates_tasks());
  EXPECT_TRUE(fork_plugin().availability.available) << fork_plugin().availability.reason;
  EXPECT_GT(server_pid(), 0) << "the plugin's fork server should be this process's only child";
}

TEST(ForkStrategy, EveryWorkloadRunsAndVerifies) {
  const std::vector<concur::WorkloadEntry> entries = {
      entry("rc4", {{"jobs", std::int64_t{6}}, {"size", std::int64_t{64 * 1024}}}),
      entry("sha256", {{"jobs", std::int64_t{6}}, {"size", std::int64_t{256 * 1024}}}),
      entry("loiter", {{"durations", std::vector<std::int64_t>{0, 1, 2, 3}}, {"unit", std::int64_t{10'000'000}}}),
      entry("fault", {{"jobs", std::int64_t{5}}, {"sleep", std::int64_t{1'000'000}}}),
  };
  for (const concur::WorkloadEntry& e : entries) {
    for (unsigned workers : {1u, 2u, 3u}) {
      SCOPED_TRACE(e.workload + " with " + std::to_string(workers) + " workers");
      const Ran ran = run_entry(e, workers);
      ASSERT_TRUE(ran.prepared.ok) << ran.prepared.error;
      ASSERT_TRUE(ran.report.ok) << ran.report.error;
      EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
      EXPECT_EQ(ran.summary.ok, ran.summary.tasks);
      EXPECT_LE(ran.summary.peak_in_flight, workers);
      EXPECT_EQ(ran.counter("workers_spawned"), std::min<double>(workers, static_cast<double>(ran.summary.tasks)));
      EXPECT_EQ(ran.counter("workers_replaced"), 0);
    }
  }
}

// Eight 50 ms sleeps on three workers: all three run at once (the limit is
// reached, from the intervals the workers report) and never more.
TEST(ForkStrategy, RespectsAndReachesTheWorkerLimit) {
  const Ran ran = run_entry(entry("loiter", {{"durations", std::vector<std::int64_t>(8, 1)}, {"unit", std::int64_t{50'000'000}}}), 3);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.peak_in_flight, 3u);
  std::set<unsigned> lanes;
  for (const concur::TaskRecord& r : ran.records) lanes.insert(r.worker);
  EXPECT_EQ(lanes, (std::set<unsigned>{0, 1, 2}));
  EXPECT_EQ(ran.counter("workers_spawned"), 3);
  EXPECT_GE(ran.counter("pool_startup_seconds"), 0);
  EXPECT_LT(ran.counter("pool_startup_seconds"), 5);
}

TEST(ForkStrategy, OneWorkerSerialises) {
  const Ran ran = run_entry(entry("loiter", {{"durations", std::vector<std::int64_t>(5, 1)}, {"unit", std::int64_t{10'000'000}}}), 1);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.peak_in_flight, 1u);
  for (std::size_t i = 0; i < ran.records.size(); ++i) {
    EXPECT_EQ(ran.records[i].worker, 0u);
    EXPECT_EQ(ran.records[i].completion, i);  // one worker takes them in order
    if (i > 0) {
      EXPECT_GE(ran.records[i].start_ns, ran.records[i - 1].end_ns);
    }
  }
  EXPECT_EQ(ran.counter("workers_spawned"), 1);
}

TEST(ForkStrategy, MoreWorkersThanTasksForksOnlyOnePerTask) {
  const Ran ran = run_entry(entry("loiter", {{"durations", std::vector<std::int64_t>{1, 1}}, {"unit", std::int64_t{10'000'000}}}), 16);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.counter("workers_spawned"), 2);
}

TEST(ForkStrategy, ZeroWorkersMeansOnePerOnlineCpu) {
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  const Ran ran = run_entry(entry("fault", {{"jobs", std::int64_t{64}}, {"sleep", std::int64_t{0}}}), 0);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_EQ(ran.summary.ok, 64u);
  EXPECT_EQ(ran.counter("workers_spawned"), static_cast<double>(std::min(cpus, 64L)));
}

TEST(ForkStrategy, EmptyBatchIsOk) {
  const Ran ran = run_entry(entry("fault", {{"jobs", std::int64_t{0}}}), 4);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.tasks, 0u);
  EXPECT_EQ(ran.counter("workers_spawned"), 0);
  EXPECT_EQ(ran.report.external_cpu_seconds, 0);
}

TEST(ForkStrategy, ThrowingTaskIsAnErrorOutcomeAndTheOthersComplete) {
  const Ran ran = run_entry(entry("fault", {{"jobs", std::int64_t{8}}, {"throw_at", std::vector<std::int64_t>{3}}}), 3);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);  // fault verifies an error for task 3, ok elsewhere
  EXPECT_EQ(ran.summary.error, 1u);
  EXPECT_EQ(ran.summary.ok, 7u);
  EXPECT_EQ(ran.records[3].outcome.message, "fault(3) throws on purpose");
  EXPECT_EQ(ran.counter("workers_replaced"), 0);  // an exception is an outcome, not a dead worker
}

// std::abort() in a task takes its worker down, not the run: the task is an
// error naming the worker and the signal, a new worker takes over, and every
// other task completes.
TEST(ForkStrategy, CrashingTaskIsAnErrorNamingPidAndSignal) {
  const Ran ran = run_entry(
      entry("fault", {{"jobs", std::int64_t{10}}, {"sleep", std::int64_t{20'000'000}}, {"crash_at", std::vector<std::int64_t>{2}}}), 3);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.ok, 9u);
  ASSERT_EQ(ran.records[2].outcome.status, concur::Status::error);
  EXPECT_THAT(ran.records[2].outcome.message,
              MatchesRegex("worker pid [0-9]+ died running this task: killed by signal 6 \\(Aborted\\)"));
  EXPECT_GE(ran.counter("workers_replaced"), 1);
  EXPECT_EQ(ran.counter("workers_spawned"), 3 + ran.counter("workers_replaced"));
  EXPECT_LE(ran.summary.peak_in_flight, 3u);
}

TEST(ForkStrategy, ManyCrashesStillAccountForEveryTask) {
  const Ran ran = run_entry(entry("fault", {{"jobs", std::int64_t{12}},
                                             {"sleep", std::int64_t{1'000'000}},
                                             {"crash_at", std::vector<std::int64_t>{0, 1, 2, 5, 11}},
                                             {"throw_at", std::vector<std::int64_t>{6}}}),
                            2);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.error, 6u);
  EXPECT_EQ(ran.summary.ok, 6u);
  for (std::size_t i : {0, 1, 2, 5, 11}) EXPECT_THAT(ran.records[i].outcome.message, HasSubstr("signal 6 (Aborted)"));
  // The crash of the last task leaves nothing for a replacement to do.
  EXPECT_EQ(ran.counter("workers_replaced"), 4);
}

// A task sleeping an hour is killed at the suite timeout; its worker is
// replaced while tasks remain, and every other task completes.
TEST(ForkStrategy, TaskTimeoutKillsTheWorker) {
  const Ran ran = run_entry(
      entry("fault", {{"jobs", std::int64_t{8}}, {"sleep", std::int64_t{100'000'000}}, {"hang_at", std::vector<std::int64_t>{0}}}),
      2, 300ms);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.ok, 7u);
  ASSERT_EQ(ran.records[0].outcome.status, concur::Status::error);
  EXPECT_THAT(ran.records[0].outcome.message, MatchesRegex("exceeded the 300ms task timeout; worker pid [0-9]+ killed"));
  const double task_seconds = static_cast<double>(ran.records[0].end_ns - ran.records[0].start_ns) / 1e9;
  EXPECT_GE(task_seconds, 0.3);
  EXPECT_LT(task_seconds, 2.0);
  EXPECT_LT(ran.elapsed, 10s);
  EXPECT_GE(ran.counter("workers_replaced"), 1);  // 7 tasks of 100 ms on the other worker outlast 300 ms
}

TEST(ForkStrategy, TimeoutSparesTasksThatFinishInTime) {
  const Ran ran = run_entry(entry("fault", {{"jobs", std::int64_t{6}}, {"sleep", std::int64_t{20'000'000}}}), 2, 2s);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.counter("workers_replaced"), 0);
}

// A worker killed from outside (the OOM killer, an operator) is the same as a
// crash: its task is an error naming SIGKILL, the others complete.
TEST(ForkStrategy, WorkerKilledFromOutside) {
  const pid_t server = server_pid();
  ASSERT_GT(server, 0);
  std::atomic<pid_t> killed{0};
  std::jthread killer([&](std::stop_token stop) {
    while (!stop.stop_requested()) {
      std::vector<ProcessState> workers = children_of(server);
      std::erase_if(workers, [](const ProcessState& w) { return w.state == 'Z'; });
      if (workers.size() == 2) {  // both forked, so tasks are being handed out
        std::this_thread::sleep_for(150ms);  // well inside the first 400 ms tasks
        ::kill(workers.front().pid, SIGKILL);
        killed = workers.front().pid;
        return;
      }
      std::this_thread::sleep_for(1ms);
    }
  });
  const Ran ran = run_entry(entry("loiter", {{"durations", std::vector<std::int64_t>(4, 1)}, {"unit", std::int64_t{400'000'000}}}), 2);
  killer.request_stop();
  killer.join();
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  ASSERT_GT(killed.load(), 0);
  EXPECT_EQ(ran.summary.ok, 3u);
  EXPECT_EQ(ran.summary.error, 1u);
  EXPECT_EQ(ran.summary.problems.size(), 1u) << problems(ran);  // loiter expected ok from the killed task
  std::size_t named = 0;
  for (const concur::TaskRecord& r : ran.records) {
    if (r.outcome.status != concur::Status::error) continue;
    EXPECT_EQ(r.outcome.message,
              "worker pid " + std::to_string(killed.load()) + " died running this task: killed by signal 9 (Killed)");
    ++named;
  }
  EXPECT_EQ(named, 1u);
  EXPECT_EQ(ran.counter("workers_replaced"), 1);
}

TEST(ForkStrategy, WorkersCpuTimeIsReported) {
  const Ran ran = run_entry(entry("rc4", {{"jobs", std::int64_t{4}}, {"size", std::int64_t{1024 * 1024}}}), 2);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_GT(ran.report.external_cpu_seconds, 0);
}

// One strategy object runs batch after batch, alternating between entries as
// a suite does (more of them than the server caches).
TEST(ForkStrategy, RepeatedRunsAlternatingEntries) {
  std::vector<concur::WorkloadEntry> entries;
  for (std::int64_t jobs = 1; jobs <= 6; ++jobs) {
    entries.push_back(entry("sha256", {{"jobs", jobs}, {"size", std::int64_t{4096}}}));
  }
  for (int round = 0; round < 3; ++round) {
    for (const concur::WorkloadEntry& e : entries) {
      const Ran ran = run_entry(e, 2);
      ASSERT_TRUE(ran.report.ok) << ran.report.error;
      EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
    }
  }
}

// After crashes, kills and timeouts: the server is this process's only child,
// it has no children left (every worker reaped, no zombie), and no socket leaked.
TEST(ForkStrategy, LeavesNoZombieAndNoDescriptor) {
  const std::size_t fds_before = open_fds();
  const concur::WorkloadEntry e = entry("fault", {{"jobs", std::int64_t{8}},
                                                  {"sleep", std::int64_t{5'000'000}},
                                                  {"crash_at", std::vector<std::int64_t>{1, 7}},
                                                  {"hang_at", std::vector<std::int64_t>{4}}});
  for (int i = 0; i < 3; ++i) {
    const Ran ran = run_entry(e, 3, 200ms);
    ASSERT_TRUE(ran.report.ok) << ran.report.error;
    EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  }
  EXPECT_EQ(open_fds(), fds_before);
  const std::vector<ProcessState> children = children_of(::getpid());
  ASSERT_EQ(children.size(), 1u);
  EXPECT_NE(children.front().state, 'Z');
  EXPECT_TRUE(children_of(children.front().pid).empty()) << "the fork server still has children";
}

// A description the host cannot open fails prepare and run with the host's
// reason, and the server stays usable.
TEST(ForkStrategy, BadDescriptionFailsThatBatchOnly) {
  const std::string nonsense = "{not json";
  const Ran bad = run_entry(entry("loiter", {{"unit", std::int64_t{0}}}), 2, 0ns, strategy(), &nonsense);
  EXPECT_FALSE(bad.prepared.ok);
  EXPECT_THAT(bad.prepared.error, HasSubstr("cannot rebuild the batch"));
  EXPECT_FALSE(bad.report.ok);
  EXPECT_THAT(bad.report.error, HasSubstr("cannot rebuild the batch"));
  const Ran good = run_entry(entry("loiter", {{"unit", std::int64_t{0}}}), 2);
  ASSERT_TRUE(good.report.ok) << good.report.error;
  EXPECT_TRUE(good.summary.problems.empty()) << problems(good);
}

TEST(ForkStrategy, CountsThisProcessThreads) {
#if defined(__SANITIZE_THREAD__)
  const std::size_t before = concur_fork::count_threads();  // ThreadSanitizer keeps a thread of its own
#else
  // A joined thread may linger in /proc/self/task for a moment: join()
  // returns when the thread has released its stack, before the kernel is done.
  for (int i = 0; i < 1000 && concur_fork::count_threads() != 1; ++i) std::this_thread::sleep_for(1ms);
  const std::size_t before = concur_fork::count_threads();
  EXPECT_EQ(before, 1u);  // GoogleTest runs tests on the main thread
#endif
  std::promise<void> release;
  std::thread other([done = release.get_future()] { done.wait(); });
  EXPECT_EQ(concur_fork::count_threads(), before + 1);
  release.set_value();
  other.join();
}

// A second copy of the plugin created while a thread runs must not fork: it
// says why it is unavailable, and prepare and run fail with that reason.
TEST(ForkStrategy, UnavailableWhenThreadsExist) {
  std::promise<void> release;
  std::thread other([done = release.get_future()] { done.wait(); });
  concur::LoadedPlugin second;
  try {
    second = concur::load_plugin(fork_plugin_path());
  } catch (...) {
    release.set_value();
    other.join();
    throw;
  }
  release.set_value();
  other.join();

  EXPECT_FALSE(second.availability.available);
  EXPECT_THAT(second.availability.reason,
              HasSubstr("the fork server must start before any thread exists; load the fork plugin before running "
                        "other strategies"));
  EXPECT_EQ(children_of(::getpid()).size(), 1u) << "the second copy forked a server";
  const Ran ran = run_entry(entry("loiter", {{"unit", std::int64_t{0}}}), 2, 0ns, *second.strategy);
  EXPECT_FALSE(ran.prepared.ok);
  EXPECT_FALSE(ran.report.ok);
  EXPECT_THAT(ran.report.error, HasSubstr("the fork server must start before any thread exists"));
}

}  // namespace
}  // namespace concur_fork_test
