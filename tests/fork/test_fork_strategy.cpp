// The fork strategy through the harness's own BatchRun: verification, worker limit, crashes, timeouts, process hygiene.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <tuple>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fork_plugin.hpp"
#include "host/host_services.hpp"
#include "kill_calls.hpp"
#include "process_threads.hpp"
#include "run/batch_run.hpp"
#include "suite/suite.hpp"
#include "workloads/workload.hpp"

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
  concur::RunReport started;
  concur::RunReport report;  // of the last run
  concur::RunReport stopped;
  concur::BatchSummary summary;
  std::vector<concur::TaskRecord> records;
  std::chrono::nanoseconds elapsed{};  // of the last run

  // From the start and the run reports together.
  double counter(const std::string& name) const {
    double total = 0;
    bool found = false;
    for (const concur::RunReport* r : {&started, &report}) {
      if (const auto it = r->counters.find(name); it != r->counters.end()) {
        total += it->second;
        found = true;
      }
    }
    return found ? total : -1;
  }
};

// What the runner does for one case: build the inputs, start, run `batches`
// batches (each checked; the first with a problem ends the case), stop.
Ran run_entry(const concur::WorkloadEntry& e, unsigned workers, std::chrono::nanoseconds timeout = 0ns,
              concur::Strategy& s = strategy(), unsigned batches = 1) {
  const concur::BuiltEntry built = concur::build_entry(e, seed);
  concur::RunOptions options;
  options.workers = workers;
  options.task_timeout = timeout;
  Ran ran;
  concur::BatchRun start_batch(built, s.isolates_tasks(), nullptr);
  ran.started = s.start(start_batch, options);
  for (unsigned b = 0; ran.started.ok && b < batches; ++b) {
    concur::BatchRun batch(built, s.isolates_tasks(), nullptr);
    const auto began = std::chrono::steady_clock::now();
    ran.report = batch.run(s, options);
    ran.elapsed = std::chrono::steady_clock::now() - began;
    ran.summary = batch.check(workers == 0 ? 1000 : workers, ran.report);
    ran.records = batch.records();
    if (!ran.summary.problems.empty()) break;
  }
  ran.stopped = s.stop();
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

// True while `pid` is a process that has not ended (a zombie has).
bool running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  const std::size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

// The fork server: the one child of this process.
pid_t server_pid() {
  const std::vector<ProcessState> children = children_of(::getpid());
  return children.size() == 1 ? children.front().pid : -1;
}

TEST(ForkStrategy, DescribesItselfAndIsAvailable) {
  const concur::Strategy& s = strategy();
  EXPECT_EQ(s.name(), "fork");
  EXPECT_EQ(s.version(), "2.0.0");
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
      ASSERT_TRUE(ran.started.ok) << ran.started.error;
      ASSERT_TRUE(ran.report.ok) << ran.report.error;
      EXPECT_TRUE(ran.stopped.ok) << ran.stopped.error;
      EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
      EXPECT_EQ(ran.summary.ok, ran.summary.tasks);
      EXPECT_LE(ran.summary.peak_in_flight, workers);
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
}

// The live workers of the plugin's fork server, from /proc.
std::size_t live_workers() {
  std::vector<ProcessState> workers = children_of(server_pid());
  std::erase_if(workers, [](const ProcessState& w) { return w.state == 'Z'; });
  return workers.size();
}

// start() forks min(workers, tasks) workers (one per online CPU for
// workers: 0) and stop() ends them all.
TEST(ForkStrategy, StartForksMinOfWorkersAndTasks) {
  const concur::BuiltEntry two = concur::build_entry(entry("loiter", {{"durations", std::vector<std::int64_t>{1, 1}}}), seed);
  const concur::BuiltEntry many = concur::build_entry(entry("fault", {{"jobs", std::int64_t{64}}}), seed);
  const auto cpus = static_cast<std::size_t>(std::min(::sysconf(_SC_NPROCESSORS_ONLN), 64L));
  for (const auto& [built, workers, expected] : {std::tuple{&two, 16u, std::size_t{2}}, std::tuple{&many, 0u, cpus},
                                                 std::tuple{&many, 3u, std::size_t{3}}}) {
    concur::BatchRun batch(*built, true, nullptr);
    concur::RunOptions options;
    options.workers = workers;
    const concur::RunReport started = strategy().start(batch, options);
    ASSERT_TRUE(started.ok) << started.error;
    EXPECT_EQ(live_workers(), expected);
    EXPECT_TRUE(strategy().stop().ok);
    EXPECT_EQ(children_of(server_pid()).size(), 0u);
  }
}

// One start, several batches: the same workers run them all (none forked
// after start), every task once per batch.
TEST(ForkStrategy, WorkersLastFromStartToStop) {
  const concur::BuiltEntry built =
      concur::build_entry(entry("sha256", {{"jobs", std::int64_t{6}}, {"size", std::int64_t{64 * 1024}}}), seed);
  concur::RunOptions options;
  options.workers = 2;
  concur::BatchRun start_batch(built, true, nullptr);
  ASSERT_TRUE(strategy().start(start_batch, options).ok);
  const auto pids = [] {
    std::vector<pid_t> out;
    for (const ProcessState& p : children_of(server_pid())) out.push_back(p.pid);
    std::sort(out.begin(), out.end());
    return out;
  };
  const std::vector<pid_t> at_start = pids();
  ASSERT_EQ(at_start.size(), 2u);
  for (int b = 0; b < 4; ++b) {
    concur::BatchRun batch(built, true, nullptr);
    const concur::RunReport report = batch.run(strategy(), options);
    const concur::BatchSummary summary = batch.check(2, report);
    EXPECT_TRUE(summary.problems.empty()) << summary.problems.front();
    EXPECT_EQ(summary.ok, 6u);
    EXPECT_EQ(report.counters.at("workers_replaced"), 0);
  }
  EXPECT_EQ(pids(), at_start);
  EXPECT_TRUE(strategy().stop().ok);
  EXPECT_TRUE(children_of(server_pid()).empty());
}

TEST(ForkStrategy, EmptyBatchIsOk) {
  const Ran ran = run_entry(entry("fault", {{"jobs", std::int64_t{0}}}), 4);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.tasks, 0u);
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
  EXPECT_EQ(ran.counter("workers_replaced"), 1);
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
  // The pool keeps its size for the next batch, even after the last task.
  EXPECT_EQ(ran.counter("workers_replaced"), 5);
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
  EXPECT_EQ(ran.counter("workers_replaced"), 1);
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
      if (workers.size() == 2) {  // both started; tasks follow at once
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
  // RC4 of 4 MiB, twice, at well under 1 GB/s: milliseconds of worker CPU in the run.
  EXPECT_GT(ran.report.external_cpu_seconds, 0.001);
  // Start-up (forks, each worker mapping the inputs) is counted for start().
  EXPECT_GT(ran.started.external_cpu_seconds, 0);
}

// One strategy object runs batch after batch, alternating between entries as
// a suite does.
TEST(ForkStrategy, RepeatedRunsAlternatingEntries) {
  std::vector<concur::WorkloadEntry> entries;
  for (std::int64_t jobs = 1; jobs <= 6; ++jobs) {
    entries.push_back(entry("sha256", {{"jobs", jobs}, {"size", std::int64_t{4096}}}));
  }
  for (int round = 0; round < 3; ++round) {
    for (const concur::WorkloadEntry& e : entries) {
      const Ran ran = run_entry(e, 2, 0ns, strategy(), 2);
      ASSERT_TRUE(ran.report.ok) << ran.report.error;
      EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
    }
  }
}

// A process's resident memory in KiB, from /proc.
std::size_t resident_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

// A case measures the same whatever ran before it: the server holds no batch,
// so large earlier entries leave it (and with it every later fork) as it was.
TEST(ForkStrategy, ServerHoldsNothingOfEarlierBatches) {
  const Ran warm = run_entry(entry("sha256", {{"jobs", std::int64_t{2}}, {"size", std::int64_t{4096}}}), 2);
  ASSERT_TRUE(warm.report.ok) << warm.report.error;
  const std::size_t before = resident_kib(server_pid());
  ASSERT_GT(before, 0u);
  for (int e = 0; e < 3; ++e) {
    const Ran big = run_entry(entry("sha256", {{"jobs", std::int64_t{2}}, {"size", std::int64_t{64 << 20}}}), 2);
    ASSERT_TRUE(big.report.ok) << big.report.error;
    EXPECT_TRUE(big.summary.problems.empty()) << problems(big);
  }
  // 3 x 128 MiB of inputs went through workers; the server grew by none of it.
  EXPECT_LT(resident_kib(server_pid()), before + 1024);
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

// A description the host cannot open fails start with the host's reason
// (each worker opens the batch itself), and the server stays usable.
TEST(ForkStrategy, BadDescriptionFailsThatCaseOnly) {
  concur::BuiltEntry bad = concur::build_entry(entry("loiter", {{"unit", std::int64_t{0}}}), seed);
  bad.description = "{not json";
  concur::BatchRun batch(bad, true, nullptr);
  concur::RunOptions options;
  options.workers = 2;
  const concur::RunReport started = strategy().start(batch, options);
  EXPECT_FALSE(started.ok);
  EXPECT_THAT(started.error, HasSubstr("cannot rebuild the batch"));
  EXPECT_TRUE(strategy().stop().ok);
  const Ran good = run_entry(entry("loiter", {{"unit", std::int64_t{0}}}), 2);
  ASSERT_TRUE(good.report.ok) << good.report.error;
  EXPECT_TRUE(good.summary.problems.empty()) << problems(good);
}

// Host::open refuses in concur's own process: only a process forked from it
// may rebuild a batch (and seal its tasks' records).
TEST(ForkStrategy, HostOpensBatchesOnlyInForkedProcesses) {
  const concur::BuiltEntry built = concur::build_entry(entry("loiter", {{"unit", std::int64_t{0}}}), seed);
  std::string error;
  EXPECT_EQ(concur::host_services().open(built.description, error), nullptr);
  EXPECT_EQ(error, "Host::open works only in a process forked from concur, not in concur's own");
}

// Workers are killed only by the fork server, their parent, never by pid from
// concur's process: a dead worker's pid may be reused, and a kill sent to it
// would hit a bystander. This process's kill() calls are counted.
TEST(ForkStrategy, ConcurNeverSignalsAWorkerPid) {
  const int before = kill_calls();
  const Ran ran = run_entry(entry("fault", {{"jobs", std::int64_t{8}},
                                            {"sleep", std::int64_t{5'000'000}},
                                            {"crash_at", std::vector<std::int64_t>{1}},
                                            {"hang_at", std::vector<std::int64_t>{4}}}),
                            2, 200ms);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.error, 2u);  // the crash and the timeout: each a worker killed and reaped
  EXPECT_EQ(kill_calls(), before);
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
  EXPECT_FALSE(ran.started.ok);
  EXPECT_THAT(ran.started.error, HasSubstr("the fork server must start before any thread exists"));
}

// Created for `concur list` (Host::will_run() false), the plugin forks no
// server, says it is available, and refuses to start.
TEST(ForkStrategy, ListedOnlyStartsNoServer) {
  const concur::LoadedPlugin listed = concur::load_plugin(fork_plugin_path(), /*will_run=*/false);
  EXPECT_TRUE(listed.availability.available);
  EXPECT_EQ(children_of(::getpid()).size(), 1u) << "a plugin created for listing forked a server";
  const Ran ran = run_entry(entry("loiter", {{"unit", std::int64_t{0}}}), 2, 0ns, *listed.strategy);
  EXPECT_FALSE(ran.started.ok);
  EXPECT_THAT(ran.started.error, HasSubstr("only to be listed"));
}

// The fork server dies while the pool holds workers: the run fails saying
// so, the workers go with the server (PR_SET_PDEATHSIG), and concur signals
// none of their pids, then or when the strategy stops.
TEST(ForkStrategy, LostServerFailsTheRunAndSignalsNoPid) {
  // A copy with a server of its own, which this test may kill; the process
  // is single-threaded between tests, so the copy may fork.
  const pid_t first_server = server_pid();
  concur::LoadedPlugin own = concur::load_plugin(fork_plugin_path());
  ASSERT_TRUE(own.availability.available) << own.availability.reason;
  std::vector<ProcessState> servers = children_of(::getpid());
  std::erase_if(servers, [&](const ProcessState& p) { return p.pid == first_server; });
  ASSERT_EQ(servers.size(), 1u);
  const pid_t server = servers.front().pid;

  const concur::BuiltEntry built = concur::build_entry(entry("loiter", {{"durations", std::vector<std::int64_t>(4, 1)}}), seed);
  concur::RunOptions options;
  options.workers = 2;
  concur::BatchRun start_batch(built, true, nullptr);
  ASSERT_TRUE(own.strategy->start(start_batch, options).ok);
  std::vector<pid_t> workers;
  for (const ProcessState& w : children_of(server)) workers.push_back(w.pid);
  ASSERT_EQ(workers.size(), 2u);

  const int before = kill_calls();
  ASSERT_EQ(::kill(server, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(server, &status, 0), server);  // this process is the server's parent
  concur::BatchRun batch(built, true, nullptr);
  const concur::RunReport report = batch.run(*own.strategy, options);
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.error, HasSubstr("the fork server (pid " + std::to_string(server) + ") is gone"));
  EXPECT_FALSE(own.strategy->stop().ok);
  EXPECT_EQ(kill_calls(), before + 1);  // the test's own kill of the server, nothing else
  for (const pid_t w : workers) {
    for (int i = 0; i < 2000 && running(w); ++i) std::this_thread::sleep_for(1ms);
    EXPECT_FALSE(running(w)) << "worker " << w << " outlived its server";
  }
}

}  // namespace
}  // namespace concur_fork_test
