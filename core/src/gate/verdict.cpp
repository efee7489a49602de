#include "gate/verdict.hpp"

namespace concur {

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::regression: return "regression";
    case Verdict::improvement: return "improvement";
    case Verdict::unchanged: return "unchanged";
    case Verdict::added: return "added";
    case Verdict::removed: return "removed";
    case Verdict::error: return "error";
  }
  return "unknown";
}

Threshold choose_threshold(const std::optional<double>& suite, const std::map<std::string, double>& calibration,
                           const std::string& run_name, double fallback) {
  if (suite) return {*suite, "suite"};
  if (const auto it = calibration.find(run_name); it != calibration.end()) return {it->second, "calibration"};
  return {fallback, "default"};
}

Verdict judge(double change, double p_value, double threshold, double alpha) {
  if (p_value >= alpha) return Verdict::unchanged;
  if (change > threshold) return Verdict::regression;
  if (change < -threshold) return Verdict::improvement;
  return Verdict::unchanged;
}

}  // namespace concur
