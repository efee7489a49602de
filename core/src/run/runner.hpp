// Runner: runs a planned suite through Google Benchmark, one iteration being one whole, checked batch.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "run/batch_run.hpp"
#include "run/case_plan.hpp"
#include "suite/suite.hpp"

namespace concur {

// A timeline shows how tasks were scheduled; a few thousand show it as well
// as a million, whose JSON would take gigabytes of memory per case.
inline constexpr std::size_t max_timeline_records = 10'000;

struct CaseResult {
  std::vector<TaskRecord> timeline;          // of the last timed batch: its first max_timeline_records tasks
  std::size_t batch_tasks = 0;               // how many tasks that batch had
  std::vector<double> external_cpu_seconds;  // per timed batch, from RunReport
  std::string failure;                    // the first problem found, empty when the case passed
  bool broken = false;                    // start-up or warm-up failed: later repetitions are not run
  bool warmed = false;                    // startup: timed: the warm-up cycles ran
  unsigned repetitions_run = 0;
};

// Facts Google Benchmark gathered about the machine while running.
struct MachineFacts {
  int num_cpus = 0;
  double mhz_per_cpu = 0;
  bool cpu_scaling_enabled = false;
  std::vector<double> load_avg;
  std::vector<benchmark::CPUInfo::CacheInfo> caches;
};

struct SuiteRun {
  std::vector<Case> cases;
  std::vector<CaseResult> results;  // parallel to cases
  std::vector<benchmark::BenchmarkReporter::Run> runs;  // as Google Benchmark reported them
  MachineFacts machine;
  std::string started_at;  // local time, as Google Benchmark writes `date`
  bool failed() const;
};

struct RunnerOptions {
  bool verbose = false;  // live task log and results in submission order
  // Base URLs of embedded flag servers by profile ("local"); a profile an
  // entry names that is not here is started by run_suite for the run.
  std::map<std::string, std::string> servers;
  // Called as a repetition of case `index` (into the cases given) begins.
  std::function<void(std::size_t index)> case_starting;
  // Called once case `index` has ended (its result in run.results[index]),
  // with every run Google Benchmark reported for it: repetitions, then aggregates.
  std::function<void(const SuiteRun& run, std::size_t index, const std::vector<benchmark::BenchmarkReporter::Run>&)>
      case_finished;
};

// The embedded flag server profile ("local", "delay", "error") a downloads
// entry names as its server, or "".
std::string embedded_server_profile(const WorkloadEntry& entry);

// Generates each entry's inputs (outside the timed region), then runs every
// case, starting and stopping strategies as the suite's `startup` says.
// Progress and the verbose log go to `out`. Call once per process: Google
// Benchmark's flags are global. Throws ConfigError, naming the entry, when its
// inputs cannot be made (out of memory): nothing has run then.
SuiteRun run_suite(const Suite& suite, std::vector<Case> cases, const RunnerOptions& options, std::ostream& out);

}  // namespace concur
