// The figures of concur report: per group, each case's median, spread, speedups and efficiency, each strategy's best worker count and knee.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/ideal_models.hpp"
#include "results/noise_checks.hpp"
#include "results/results_reader.hpp"

namespace concur {

// A step to more workers that shortens the median by less than this is past the knee.
inline constexpr double knee_gain = 0.05;

struct ScalingRow {
  std::string name, strategy;
  unsigned workers = 0;
  std::string error;                  // a failed case has no figures
  std::size_t repetitions = 0;
  double median = 0, min = 0, max = 0;  // seconds
  double cv = 0;                      // sample stddev / mean
  std::optional<double> speedup;      // vs the same strategy's fewest workers
  std::optional<double> vs_baseline;  // vs the baseline strategy's fewest workers
  std::optional<double> ideal;        // seconds: the workload's ideal at these workers
  std::optional<double> efficiency;   // ideal / median
  bool over_cores = false;            // more workers than the machine's cores
  std::vector<std::string> warnings;  // noise_warnings
};

struct StrategySummary {
  std::string strategy;
  unsigned best_workers = 0;  // the lowest median
  double best_median = 0;
  // The knee: the first step from `knee` to `knee_next` workers that gains
  // less than knee_gain (`knee_step_gain`); none when every step gains more.
  std::optional<unsigned> knee;
  unsigned knee_next = 0;
  double knee_step_gain = 0;
};

struct ScalingGroup {
  std::string group, workload;
  std::string params;  // "key=value ..." from context.groups, "" when the file has none
  std::optional<std::uint64_t> batch_tasks;
  std::string ideal;   // how the ideal is made; "" when there is none
  std::vector<ScalingRow> rows;  // by strategy (as the file first lists them), then workers
  std::vector<StrategySummary> strategies;  // those with two or more worker counts
};

struct ScalingReport {
  std::string source;    // the results file
  std::string suite;
  std::string baseline;  // strategy the vs-baseline speedups divide
  unsigned cores = 0;
  NoiseLimits limits;
  std::vector<ScalingGroup> groups;  // in the order the file first lists them
};

ScalingReport scaling_report(const ResultsData& data, const std::string& baseline, const NoiseLimits& limits);

}  // namespace concur
