// Console report: per workload entry, a speedup table like DESIGN.md's Table 17-1.
#pragma once

#include <ostream>

#include "run/runner.hpp"

namespace concur {

// strategy, workers, median time and spread, speedup vs the strategy's smallest
// worker count and vs sequential, efficiency; rows whose workers exceed
// `online_cores` are marked. Failed cases are listed with their reason.
void print_report(std::ostream& out, const Suite& suite, const SuiteRun& run, unsigned online_cores);

}  // namespace concur
