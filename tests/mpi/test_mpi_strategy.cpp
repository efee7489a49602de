// The mpi strategy loaded in this process and run through the harness's own BatchRun: a rank killed mid-task, a crash, a timeout, no process left.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "host/host_services.hpp"
#include "host/plugin_loader.hpp"
#include "run/batch_run.hpp"
#include "suite/suite.hpp"
#include "workloads/workload.hpp"

namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Loaded once per test process, by the first test that runs a job: loading
// makes the plugin's trial launch, which the unit tests beside these need not wait for.
concur::LoadedPlugin& mpi_plugin() {
  static concur::LoadedPlugin plugin = [] {
    // Ranks abort on purpose here; they need not write core files.
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    return concur::load_plugin(std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "mpi.so");
  }();
  return plugin;
}

// A fault entry: `jobs` tasks sleeping `sleep`, and those of `faults` (throw_at, crash_at, hang_at) faulty.
concur::WorkloadEntry fault_entry(std::int64_t jobs, std::chrono::nanoseconds sleep,
                                  const std::map<std::string, std::vector<std::int64_t>>& faults) {
  concur::WorkloadEntry e;
  e.workload = "fault";
  for (const concur::ParamSpec& spec : concur::find_workload_type("fault")->params) e.params.set(spec.name, spec.default_value);
  e.params.set("jobs", jobs);
  e.params.set("sleep", static_cast<std::int64_t>(sleep.count()));
  for (const auto& [name, at] : faults) e.params.set(name, at);
  return e;
}

// One process as /proc/PID/stat describes it.
struct Proc {
  pid_t pid = 0, ppid = 0;
  char state = '?';  // R, S, Z...
  std::string comm;
};

std::optional<Proc> read_proc(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;  // gone meanwhile
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const std::size_t open = stat.find('('), close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 4 > stat.size()) return std::nullopt;
  return Proc{pid, static_cast<pid_t>(std::stol(stat.substr(close + 4))), stat[close + 2],
              stat.substr(open + 1, close - open - 1)};
}

// Every live (not zombie) descendant of this process: mpirun, its ranks.
std::vector<Proc> live_descendants() {
  std::map<pid_t, std::vector<Proc>> children;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = dir.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (const std::optional<Proc> p = read_proc(static_cast<pid_t>(std::stol(name)))) children[p->ppid].push_back(*p);
  }
  std::vector<Proc> found;
  std::vector<pid_t> parents{::getpid()};
  while (!parents.empty()) {
    const pid_t parent = parents.back();
    parents.pop_back();
    for (const Proc& c : children[parent]) {
      if (c.state == 'Z') continue;
      found.push_back(c);
      parents.push_back(c.pid);
    }
  }
  return found;
}

// The MPI rank of a process mpirun started, from its environment; -1 when it has none.
int mpi_rank(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ");
  constexpr std::string_view key = "OMPI_COMM_WORLD_RANK=";
  for (std::string var; std::getline(in, var, '\0');) {
    if (var.starts_with(key)) return std::stoi(var.substr(key.size()));
  }
  return -1;
}

// How often the process's main thread has gone to sleep; -1 when it is gone.
long long voluntary_switches(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("voluntary_ctxt_switches:")) return std::stoll(line.substr(line.find(':') + 1));
  }
  return -1;
}

// Watches this process's descendants for the length of a test: remembers
// every process of every job (mpirun and ranks), and once armed, SIGKILLs the
// first worker rank found inside a long task (or, made by dispatcher_after,
// rank 0 once that long has passed).
//
// A rank waiting for rank 0 polls, napping at most 1 ms between polls, so
// its main thread goes to sleep hundreds of times a second. A rank running a
// task of the fault workload sleeps in one call: asleep (state S) with its
// count of voluntary switches standing still. A count still for `still_for`
// (longer than any plain task of the batch) is a rank inside the hang.
class RankKiller {
 public:
  explicit RankKiller(std::chrono::milliseconds still_for, bool dispatcher = false)
      : still_for_(still_for), dispatcher_(dispatcher), thread_([this](std::stop_token stop) { watch(stop); }) {}
  static std::unique_ptr<RankKiller> dispatcher_after(std::chrono::milliseconds delay) {
    return std::make_unique<RankKiller>(delay, true);
  }

  void arm() {
    armed_at_ = std::chrono::steady_clock::now();
    armed_ = true;
  }
  int killed_rank() const { return killed_rank_; }
  // Every process seen, as last seen.
  std::map<pid_t, Proc> seen() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    return seen_;
  }

 private:
  struct Stillness {
    long long switches = -1;
    std::chrono::steady_clock::time_point since;
  };

  void watch(const std::stop_token& stop) {
    std::map<pid_t, Stillness> still;
    while (!stop.stop_requested()) {
      const auto now = std::chrono::steady_clock::now();
      for (const Proc& p : live_descendants()) {
        seen_[p.pid] = p;  // the latest: a rank is first seen as mpirun's fork, before its exec
        if (!armed_ || killed_pid_ != 0 || p.comm != "concur-mpi-rank") continue;
        if (dispatcher_) {
          if (mpi_rank(p.pid) == 0 && now - armed_at_ >= still_for_) {
            killed_rank_ = 0;
            killed_pid_ = p.pid;
            ::kill(p.pid, SIGKILL);
          }
          continue;
        }
        if (mpi_rank(p.pid) < 1) continue;
        const long long switches = voluntary_switches(p.pid);
        Stillness& s = still[p.pid];
        if (p.state != 'S' || switches != s.switches) {
          s = {switches, now};
        } else if (now - s.since >= still_for_) {
          killed_rank_ = mpi_rank(p.pid);
          killed_pid_ = p.pid;
          ::kill(p.pid, SIGKILL);
        }
      }
      std::this_thread::sleep_for(10ms);
    }
  }

  const std::chrono::milliseconds still_for_;
  const bool dispatcher_;
  std::atomic<bool> armed_{false};
  std::chrono::steady_clock::time_point armed_at_;  // written before armed_ is set
  std::atomic<int> killed_rank_{-1};
  std::atomic<pid_t> killed_pid_{0};
  std::map<pid_t, Proc> seen_;  // the watching thread's until seen() joins it
  std::jthread thread_;                // last: starts once the members above exist
};

struct Ran {
  concur::RunReport started, report, stopped;
  concur::BatchSummary summary;
  std::vector<concur::TaskRecord> records;
  std::map<pid_t, Proc> seen;  // every process of the jobs
  std::vector<Proc> left;             // descendants still running once stop() returned

  double counter(const std::string& name) const {
    const auto it = report.counters.find(name);
    return it == report.counters.end() ? 0 : it->second;
  }
  std::string problems() const {
    std::string text;
    for (const std::string& p : summary.problems) text += "\n  " + p;
    return text;
  }
};

// What the runner does for one case, the killer armed once the run begins.
Ran run_entry(const concur::WorkloadEntry& e, unsigned workers, std::chrono::nanoseconds timeout, RankKiller& killer) {
  concur::Strategy& strategy = *mpi_plugin().strategy;
  const concur::BuiltEntry built = concur::build_entry(e, 42);
  concur::RunOptions options;
  options.workers = workers;
  options.task_timeout = timeout;
  Ran ran;
  concur::BatchRun start_batch(built, strategy.isolates_tasks(), nullptr);
  ran.started = strategy.start(start_batch, options);
  if (ran.started.ok) {
    concur::BatchRun batch(built, strategy.isolates_tasks(), nullptr);
    killer.arm();
    ran.report = batch.run(strategy, options);
    ran.summary = batch.check(workers, ran.report);
    ran.records = batch.records();
  }
  ran.stopped = strategy.stop();
  ran.left = live_descendants();
  ran.seen = killer.seen();
  return ran;
}

// Once stop() has returned, no process of any job runs: not mpirun, not a
// rank of the job that was lost, not one of its replacement's. Each of the
// `jobs` had rank 0 and two worker ranks.
void expect_nothing_left(const Ran& ran, std::size_t jobs) {
  // Ranks are mpirun's children (a sanitizer's helper processes, named as
  // their rank, are the rank's).
  std::size_t ranks = 0;
  for (const auto& [pid, p] : ran.seen) {
    const auto parent = ran.seen.find(p.ppid);
    ranks += p.comm == "concur-mpi-rank" && parent != ran.seen.end() && parent->second.comm == "mpirun";
  }
  EXPECT_EQ(ranks, 3 * jobs) << "ranks seen while the case ran";
  for (const Proc& p : ran.left) ADD_FAILURE() << "still running after stop(): pid " << p.pid << " (" << p.comm << ")";
  for (const auto& [pid, p] : ran.seen) {
    const std::optional<Proc> now = read_proc(pid);
    // Gone, a zombie, or its pid reused by something else.
    EXPECT_TRUE(!now || now->state == 'Z' || now->comm != p.comm) << "pid " << pid << " (" << p.comm << ") outlived stop()";
  }
}

TEST(MpiStrategy, IsAvailableHere) {
  EXPECT_EQ(mpi_plugin().strategy->name(), "mpi");
  EXPECT_TRUE(mpi_plugin().strategy->isolates_tasks());
  ASSERT_TRUE(mpi_plugin().availability.available) << mpi_plugin().availability.reason;
}

// A rank killed from outside (the OOM killer, an operator) ends the whole
// job. Task 0 hangs, so its rank is still inside it when killed; the other
// rank goes on through 300 ms tasks meanwhile (15 of them: 4.5 s, some left
// at the kill). Task 0 is an error naming the rank and SIGKILL; the task the
// other rank was running runs again, with the rest, in one new job; every
// other task is ok.
TEST(MpiStrategy, ARankKilledMidTaskFailsOnlyThatTask) {
  ASSERT_TRUE(mpi_plugin().availability.available) << mpi_plugin().availability.reason;
  RankKiller killer(1500ms);
  // The timeout only ends the test if no rank is ever killed: task 0 would sleep an hour.
  const Ran ran = run_entry(fault_entry(16, 300ms, {{"hang_at", {0}}}), 2, 60s, killer);
  ASSERT_TRUE(ran.started.ok) << ran.started.error;
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.stopped.ok) << ran.stopped.error;
  ASSERT_GE(killer.killed_rank(), 1) << "no worker rank was seen inside task 0";

  EXPECT_TRUE(ran.summary.problems.empty()) << ran.problems();  // fault verifies an error for task 0, ok elsewhere
  EXPECT_EQ(ran.summary.error, 1u);
  EXPECT_EQ(ran.summary.ok, 15u);
  ASSERT_EQ(ran.records.size(), 16u);
  const concur::Outcome& killed = ran.records[0].outcome;
  ASSERT_EQ(killed.status, concur::Status::error) << killed.message;
  EXPECT_THAT(killed.message, HasSubstr("mpi rank " + std::to_string(killer.killed_rank()) + " died running this task"));
  EXPECT_THAT(killed.message, HasSubstr("signal 9"));
  EXPECT_EQ(ran.records[0].worker, static_cast<unsigned>(killer.killed_rank() - 1));  // lane = rank - 1
  EXPECT_EQ(ran.counter("jobs_restarted"), 1);
  expect_nothing_left(ran, 2);
}

// A task that aborts its rank is the same as a kill, found without a watcher:
// mpirun names the rank and SIGABRT. The job ended about a second after the
// abort when measured here, so the other rank has 20 x 200 ms of tasks: some
// are left for the new job.
TEST(MpiStrategy, ACrashingTaskIsAnErrorNamingItsRankAndSignal) {
  ASSERT_TRUE(mpi_plugin().availability.available) << mpi_plugin().availability.reason;
  RankKiller watcher(std::chrono::hours(1));  // watches only
  const Ran ran = run_entry(fault_entry(20, 200ms, {{"crash_at", {1}}}), 2, 0ns, watcher);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << ran.problems();
  EXPECT_EQ(ran.summary.ok, 19u);
  ASSERT_EQ(ran.records.size(), 20u);
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer reports Open MPI's SIGABRT handler and exits the rank with its status 66 instead.
  EXPECT_THAT(ran.records[1].outcome.message,
              ::testing::MatchesRegex("mpi rank [12] died running this task: exited with status 66"));
#else
  EXPECT_THAT(ran.records[1].outcome.message,
              ::testing::MatchesRegex("mpi rank [12] died running this task: exited on signal 6 \\(Aborted\\)"));
#endif
  EXPECT_EQ(ran.counter("jobs_restarted"), 1);
  expect_nothing_left(ran, 2);
}

// A task past the suite's timeout ends the job: it is an error saying so;
// the other rank, a few of its nineteen 100 ms tasks done, has the rest run
// again in a new job.
TEST(MpiStrategy, ATaskPastTheTimeoutEndsTheJob) {
  ASSERT_TRUE(mpi_plugin().availability.available) << mpi_plugin().availability.reason;
  RankKiller watcher(std::chrono::hours(1));
  const Ran ran = run_entry(fault_entry(20, 100ms, {{"hang_at", {1}}}), 2, 500ms, watcher);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << ran.problems();
  EXPECT_EQ(ran.summary.ok, 19u);
  ASSERT_EQ(ran.records.size(), 20u);
  EXPECT_EQ(ran.records[1].outcome.message, "exceeded the 500ms task timeout; the MPI job was ended");
  EXPECT_EQ(ran.counter("jobs_restarted"), 1);
  expect_nothing_left(ran, 2);
}

// Rank 0, the dispatcher, killed mid-run runs no task: nothing is blamed.
// The tasks the worker ranks were running run again, with the rest, in a new
// job, and every task ends ok.
TEST(MpiStrategy, ADispatcherKilledMidRunLosesNoTask) {
  ASSERT_TRUE(mpi_plugin().availability.available) << mpi_plugin().availability.reason;
  const std::unique_ptr<RankKiller> killer = RankKiller::dispatcher_after(700ms);
  const Ran ran = run_entry(fault_entry(12, 300ms, {}), 2, 0ns, *killer);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_EQ(killer->killed_rank(), 0) << "rank 0 was never seen";
  EXPECT_TRUE(ran.summary.problems.empty()) << ran.problems();
  EXPECT_EQ(ran.summary.ok, 12u);
  EXPECT_EQ(ran.counter("jobs_restarted"), 1);
  expect_nothing_left(ran, 2);
}

// A worker rank lost while the pool is idle (between start() and the first
// batch) takes no task with it: once mpirun has ended that job, the batch
// runs on a new one, all ok. (A task handed to a rank in the second before
// mpirun notices it died is that task's error: nothing tells the two apart.)
TEST(MpiStrategy, AWorkerLostWhileIdleIsReplacedByTheNextRun) {
  ASSERT_TRUE(mpi_plugin().availability.available) << mpi_plugin().availability.reason;
  concur::Strategy& strategy = *mpi_plugin().strategy;
  const concur::BuiltEntry built = concur::build_entry(fault_entry(6, 10ms, {}), 42);
  concur::RunOptions options;
  options.workers = 2;
  concur::BatchRun start_batch(built, true, nullptr);
  ASSERT_TRUE(strategy.start(start_batch, options).ok);
  pid_t worker = 0;
  for (const Proc& p : live_descendants()) {
    if (p.comm == "concur-mpi-rank" && mpi_rank(p.pid) == 1) worker = p.pid;
  }
  ASSERT_NE(worker, 0) << "no rank 1 among this process's descendants";
  ::kill(worker, SIGKILL);
  for (int i = 0; i < 200 && !live_descendants().empty(); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(live_descendants().empty()) << "mpirun did not end the job within 10 s of a rank's death";
  concur::BatchRun batch(built, true, nullptr);
  const concur::RunReport report = batch.run(strategy, options);
  EXPECT_TRUE(strategy.stop().ok);
  ASSERT_TRUE(report.ok) << report.error;
  const concur::BatchSummary summary = batch.check(2, report);
  EXPECT_TRUE(summary.problems.empty());
  EXPECT_EQ(summary.ok, 6u);
  EXPECT_EQ(report.counters.at("jobs_restarted"), 1);
  EXPECT_TRUE(live_descendants().empty());
}

// Short tasks are sent ahead to their rank, several at once. When one of
// them crashes its rank, only that task fails: those sent ahead behind it
// run again in the new job, each once. (Whether a new job is needed depends
// on how fast the other rank ends the batch while the crashed one dies: in a
// ThreadSanitizer build it sometimes finished every other task first.)
TEST(MpiStrategy, TasksSentAheadOfACrashRunAgain) {
  ASSERT_TRUE(mpi_plugin().availability.available) << mpi_plugin().availability.reason;
  RankKiller watcher(std::chrono::hours(1));
  const Ran ran = run_entry(fault_entry(400, 0ns, {{"crash_at", {200}}}), 2, 0ns, watcher);
  ASSERT_TRUE(ran.report.ok) << ran.report.error;
  EXPECT_TRUE(ran.summary.problems.empty()) << ran.problems();
  EXPECT_EQ(ran.summary.error, 1u);
  EXPECT_EQ(ran.summary.ok, 399u);
  EXPECT_THAT(ran.records[200].outcome.message, HasSubstr("died running this task"));
  const auto jobs = static_cast<std::size_t>(ran.counter("jobs_restarted"));
  EXPECT_LE(jobs, 1u);
  expect_nothing_left(ran, 1 + jobs);
}

}  // namespace
