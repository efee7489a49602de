// ab's verdict: per case, the rounds of A and B paired, judged by a Wilcoxon signed-rank test on log(B/A) with a Hodges-Lehmann ratio and its interval.
#pragma once

#include <string>
#include <vector>

#include "gate/compare.hpp"
#include "gate/benchmark_samples.hpp"

namespace concur {

inline constexpr double ab_confidence = 0.95;

// `a_rounds[r]` and `b_rounds[r]` ran back to back in round r. A case's
// sample in a round is the median real_time of that round's repetitions;
// pairs are rounds where both sides timed it. A case failed in any round of
// either side is an error; one only B has is added, only A removed. The
// threshold is the suite's (B's `threshold` field), else the default.
GateReport ab_report(const std::vector<SamplesFile>& a_rounds, const std::vector<SamplesFile>& b_rounds,
                     const std::string& a_label, const std::string& b_label, const GateOptions& options);

}  // namespace concur
