// CaseFigures: per-case medians and speedups, shared by the console tables and the JSON counters.
#pragma once

#include <optional>
#include <vector>

#include "run/runner.hpp"

namespace concur {

struct CaseFigures {
  std::vector<double> times;         // seconds, every passed timed repetition
  double median = 0, min = 0, max = 0, relative_stddev = 0;
  double startup_median = 0;         // seconds: Strategy::start, as the harness timed it
  // vs the same strategy's smallest worker count in the same entry
  std::optional<double> speedup;
  std::optional<double> efficiency;  // speedup / (workers / baseline workers)
  // vs `sequential` in the same entry, when it ran
  std::optional<double> vs_sequential;
};

// Parallel to run.cases; a failed case has no times and no speedups.
std::vector<CaseFigures> case_figures(const SuiteRun& run);

}  // namespace concur
