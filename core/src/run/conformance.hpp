// Conformance checks: what every strategy plugin must do, run through the harness's own batch checks.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "concur/strategy.hpp"

namespace concur {

struct ConformanceCheck {
  std::string name;         // "limit-reached"
  std::string description;  // one line: what is demanded
  bool needs_isolation = false;  // only for strategies whose tasks run in other processes
  // Empty when the strategy passes; otherwise what went wrong, one line.
  std::function<std::string(Strategy&)> run;
};

const std::vector<ConformanceCheck>& conformance_checks();

enum class CheckStatus { passed, failed, skipped };

struct CheckResult {
  std::string name;
  std::string description;
  CheckStatus status = CheckStatus::passed;
  std::string detail;  // why it failed or was skipped
  double seconds = 0;
};

// Runs one check (skipped when it needs isolation the strategy lacks, or when
// the strategy is unavailable).
CheckResult run_check(const ConformanceCheck& check, Strategy& strategy);

}  // namespace concur
