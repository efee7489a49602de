// The gate's rule for one benchmark, shared by compare and ab: which threshold applies and what verdict a change gets.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace concur {

enum class Verdict { regression, improvement, unchanged, added, removed, error };

const char* to_string(Verdict verdict);

inline constexpr double default_alpha = 0.05;
inline constexpr double default_threshold = 0.05;

struct Threshold {
  double value = default_threshold;  // a fraction: 0.05 is 5%
  std::string source = "default";    // "suite", "calibration" or "default"
};

// The suite's threshold for the benchmark (its `threshold` field in the new
// results) wins, then the baseline's calibration for its run_name, then the default.
Threshold choose_threshold(const std::optional<double>& suite, const std::map<std::string, double>& calibration,
                           const std::string& run_name, double fallback);

// `change`: the new time relative to the base, minus 1 (+0.2 is 20% slower).
// A regression is significant (p < alpha) AND slower by more than the
// threshold; an improvement the same, faster. Either alone is noise or a
// difference too small to matter.
Verdict judge(double change, double p_value, double threshold, double alpha);

}  // namespace concur
