// What compare and ab conclude: one row per benchmark, the warnings, and the exit code they imply.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gate/verdict.hpp"

namespace concur {

struct GateRow {
  std::string name;  // run_name
  Verdict verdict = Verdict::unchanged;
  std::size_t base_n = 0, new_n = 0;  // repetitions (compare) or paired rounds (ab)
  double base_real_ns = 0, new_real_ns = 0;  // medians
  double base_cpu_ns = 0, new_cpu_ns = 0;
  // compare: new median / base median - 1; ab: the Hodges-Lehmann ratio of B to A - 1.
  double change = 0;
  std::optional<double> change_low, change_high;  // ab: the ratio's confidence interval, as changes
  double p_value = 1;
  Threshold threshold;
  std::string note;  // the error message of a failed run; why the test cannot decide

  // Timed on both sides and tested: not added, removed or failed.
  bool timed() const { return verdict != Verdict::added && verdict != Verdict::removed && verdict != Verdict::error; }
};

struct GateReport {
  std::string command;                // "compare" or "ab"
  std::string base_label, new_label;  // file names, or "A" and "B" with what they ran
  std::string method;                 // the test, for the reader
  double alpha = default_alpha;
  double confidence = 0;              // ab: the interval's level (0: no interval)
  std::vector<GateRow> rows;
  std::vector<std::string> warnings;

  std::size_t count(Verdict verdict) const;
};

// 1 when a benchmark regressed or failed (a benchmark the gate could not time
// is not one it can pass), else 0.
int gate_exit_code(const GateReport& report);

// Warns, one line per distinct pair of sample sizes, about timed rows with
// fewer than 9 samples a side ("repetitions" or "rounds"), saying so when the
// test cannot reach p < alpha with them at all (`min_p` of the sizes), and
// notes those rows.
void add_power_warnings(GateReport& report, const std::string& samples,
                        const std::function<double(std::size_t, std::size_t)>& min_p);

}  // namespace concur
