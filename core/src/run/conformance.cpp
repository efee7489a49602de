#include "run/conformance.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>

#include "host/host_services.hpp"
#include "run/batch_run.hpp"

namespace concur {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t ms = 1'000'000;

// A sequential strategy is checked at the one worker it supports.
unsigned capped_workers(const Strategy& strategy, unsigned workers) {
  return strategy.max_workers() == 0 ? workers : std::min(workers, strategy.max_workers());
}

// One batch of a built-in workload, run and checked the way `concur run` does.
struct Trial {
  std::string workload;
  std::map<std::string, ParamValue> params;  // overrides of the defaults
  unsigned workers = 1;
  std::chrono::nanoseconds timeout{0};
};

struct TrialResult {
  unsigned workers = 1;  // what the strategy was asked for: the trial's, capped at its max_workers()
  BatchSummary summary;
  std::vector<TaskRecord> records;
  RunReport report;
};

// One trial is one start, `batches` runs, one stop; the result is the first
// batch with a problem, or the last one.
TrialResult run_trial(Strategy& strategy, const Trial& trial, unsigned batches = 1) {
  const WorkloadType& type = *find_workload_type(trial.workload);
  WorkloadEntry entry;
  entry.workload = trial.workload;
  for (const ParamSpec& spec : type.params) entry.params.set(spec.name, spec.default_value);
  for (const auto& [name, value] : trial.params) entry.params.set(name, value);
  constexpr std::uint64_t seed = 7;
  const BuiltEntry built = build_entry(entry, seed);

  RunOptions options;
  options.workers = capped_workers(strategy, trial.workers);
  options.task_timeout = trial.timeout;
  TrialResult result;
  result.workers = options.workers;
  BatchRun start_batch(built, strategy.isolates_tasks(), nullptr);
  if (RunReport started = strategy.start(start_batch, options); !started.ok) {
    strategy.stop();
    result.summary.problems.push_back("start failed: " + started.error);
    return result;
  }
  for (unsigned b = 0; b < batches; ++b) {
    BatchRun batch(built, strategy.isolates_tasks(), nullptr);
    result.report = batch.run(strategy, options);
    result.summary = batch.check(options.workers, result.report);
    result.records = batch.records();
    if (!result.summary.problems.empty()) break;
  }
  if (RunReport stopped = strategy.stop(); !stopped.ok) result.summary.problems.push_back("stop failed: " + stopped.error);
  return result;
}

std::string first_problem(const TrialResult& r) {
  if (r.summary.problems.empty()) return {};
  std::string text = r.summary.problems.front();
  if (r.summary.problems.size() > 1) text += " (and " + std::to_string(r.summary.problems.size() - 1) + " more)";
  return text;
}

std::vector<std::int64_t> repeated(std::int64_t value, std::size_t n) { return std::vector<std::int64_t>(n, value); }

// Runs the trial until its peak in flight equals `expected` (capped like the
// workers were). A peak above the limit fails at once; one below it is given
// two more tries, since on a loaded machine a pool's last thread may start
// after the first tasks are done: reaching the limit once shows the strategy can.
std::string expect_peak(Strategy& strategy, const Trial& trial, unsigned expected) {
  constexpr int attempts = 3;
  std::string shortfall;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    const TrialResult r = run_trial(strategy, trial);
    if (std::string p = first_problem(r); !p.empty()) return p;
    const unsigned want = std::min(expected, r.workers);
    if (r.summary.peak_in_flight == want) return {};
    shortfall = "peak tasks in flight was " + std::to_string(r.summary.peak_in_flight) + "; expected " +
                std::to_string(want) + " (in " + std::to_string(attempts) + " tries)";
  }
  return shortfall;
}

std::vector<ConformanceCheck> build_checks() {
  return {
      {"workloads", "rc4, sha256 and loiter batches run at 2 workers; every task once, every outcome verified", false,
       [](Strategy& s) -> std::string {
         for (const Trial& t : {Trial{"rc4", {{"jobs", std::int64_t{6}}, {"size", std::int64_t{64 * 1024}}}, 2},
                                Trial{"sha256", {{"jobs", std::int64_t{6}}, {"size", std::int64_t{256 * 1024}}}, 2},
                                Trial{"loiter", {{"durations", std::vector<std::int64_t>{0, 1, 2, 1}}, {"unit", 5 * ms}}, 2}}) {
           TrialResult r = run_trial(s, t);
           if (std::string p = first_problem(r); !p.empty()) return t.workload + ": " + p;
           if (r.summary.ok != r.summary.tasks) return t.workload + ": not every task ended ok";
         }
         return {};
       }},
      {"limit-reached", "8 sleeping tasks at 3 workers: never more than 3 in flight, and 3 reached", false,
       [](Strategy& s) {
         return expect_peak(s, {"loiter", {{"durations", repeated(1, 8)}, {"unit", 40 * ms}}, 3}, 3);
       }},
      {"serialises", "workers: 1 runs one task at a time", false,
       [](Strategy& s) {
         return expect_peak(s, {"loiter", {{"durations", repeated(1, 4)}, {"unit", 20 * ms}}, 1}, 1);
       }},
      {"more-workers-than-tasks", "2 tasks at 8 workers both run, once each", false,
       [](Strategy& s) {
         return expect_peak(s, {"loiter", {{"durations", repeated(1, 2)}, {"unit", 40 * ms}}, 8}, 2);
       }},
      {"empty", "a batch with no tasks completes", false,
       [](Strategy& s) { return first_problem(run_trial(s, {"rc4", {{"jobs", std::int64_t{0}}}, 2})); }},
      {"throwing-task", "a task that throws becomes an error outcome and the other tasks complete", false,
       [](Strategy& s) -> std::string {
         TrialResult r = run_trial(s, {"fault", {{"jobs", std::int64_t{6}}, {"throw_at", std::vector<std::int64_t>{2}}}, 2});
         if (std::string p = first_problem(r); !p.empty()) return p;
         if (r.summary.error != 1 || r.summary.ok != 5) return "expected 1 error and 5 ok outcomes";
         return {};
       }},
      {"completion-order", "completion order is recorded: a permutation that follows the tasks' end times", false,
       [](Strategy& s) -> std::string {
         TrialResult r = run_trial(s, {"loiter", {{"durations", std::vector<std::int64_t>{3, 0, 2, 1}}, {"unit", 20 * ms}}, 4});
         if (std::string p = first_problem(r); !p.empty()) return p;
         std::vector<std::size_t> order(r.records.size());
         std::iota(order.begin(), order.end(), 0);
         std::sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return r.records[a].completion < r.records[b].completion; });
         for (std::size_t k = 0; k < order.size(); ++k) {
           if (r.records[order[k]].completion != k) return "completion positions are not 0..n-1";
           if (k > 0 && r.records[order[k]].end_ns < r.records[order[k - 1]].end_ns) {
             return "task " + std::to_string(order[k]) + " is recorded as completing after task " +
                    std::to_string(order[k - 1]) + " but ended before it";
           }
         }
         return {};
       }},
      {"many-tasks", "500 tasks at 16 workers: every one runs exactly once", false,
       [](Strategy& s) -> std::string {
         TrialResult r = run_trial(s, {"loiter", {{"durations", std::vector<std::int64_t>{0}}, {"repeat", std::int64_t{500}}}, 16});
         if (std::string p = first_problem(r); !p.empty()) return p;
         return r.summary.ok == 500 ? std::string() : "expected 500 ok outcomes";
       }},
      {"repeated-runs", "one strategy object: three batches per start, started again at other worker counts", false,
       [](Strategy& s) -> std::string {
         for (unsigned w : {1u, 3u, 2u}) {
           TrialResult r =
               run_trial(s, {"loiter", {{"durations", std::vector<std::int64_t>{1, 1, 1}}, {"unit", 5 * ms}}, w}, 3);
           if (std::string p = first_problem(r); !p.empty()) return "at " + std::to_string(w) + " workers: " + p;
         }
         return {};
       }},
      {"crash-recovery", "a task that kills its process becomes an error outcome; every other task completes", true,
       [](Strategy& s) -> std::string {
         TrialResult r = run_trial(s, {"fault", {{"jobs", std::int64_t{6}}, {"crash_at", std::vector<std::int64_t>{1}}}, 2});
         if (std::string p = first_problem(r); !p.empty()) return p;
         if (r.summary.error != 1 || r.summary.ok != 5) return "expected 1 error and 5 ok outcomes";
         return {};
       }},
      {"timeout", "a task over the suite's timeout becomes an error outcome; every other task completes", true,
       [](Strategy& s) -> std::string {
         TrialResult r = run_trial(
             s, {"fault", {{"jobs", std::int64_t{4}}, {"hang_at", std::vector<std::int64_t>{0}}}, 2, 300ms});
         if (std::string p = first_problem(r); !p.empty()) return p;
         if (r.summary.error != 1 || r.summary.ok != 3) return "expected 1 error and 3 ok outcomes";
         return {};
       }},
  };
}

}  // namespace

const std::vector<ConformanceCheck>& conformance_checks() {
  static const std::vector<ConformanceCheck> checks = build_checks();
  return checks;
}

CheckResult run_check(const ConformanceCheck& check, Strategy& strategy) {
  CheckResult result{check.name, check.description, CheckStatus::passed, {}, 0};
  if (Availability a = strategy.availability(); !a.available) {
    result.status = CheckStatus::skipped;
    result.detail = "strategy unavailable: " + a.reason;
    return result;
  }
  if (check.needs_isolation && !strategy.isolates_tasks()) {
    result.status = CheckStatus::skipped;
    result.detail = "the strategy runs tasks inside concur's process";
    return result;
  }
  const auto started = std::chrono::steady_clock::now();
  try {
    result.detail = check.run(strategy);
  } catch (const std::exception& e) {
    result.detail = std::string("the check itself failed: ") + e.what();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!result.detail.empty()) result.status = CheckStatus::failed;
  return result;
}

}  // namespace concur
