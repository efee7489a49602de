// compare: a baseline's and a new results file's benchmarks, paired by run_name, each judged by a Mann-Whitney U test and its median change.
#pragma once

#include "gate/gate_report.hpp"
#include "gate/benchmark_samples.hpp"

namespace concur {

struct GateOptions {
  double default_threshold = concur::default_threshold;  // --threshold
  double alpha = default_alpha;
};

// Benchmarks of `base` and `next` paired by run_name, in `next`'s order,
// then those only in `base` (removed). Times are real_time; cpu_time medians
// are shown alongside. Throws SamplesReadError when the files share no
// benchmark: they are then results of different suites, not a comparison.
GateReport compare_results(const SamplesFile& base, const SamplesFile& next, const GateOptions& options);

}  // namespace concur
