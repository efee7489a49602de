#include "gate/ab_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "util/rank_tests.hpp"
#include "util/statistics.hpp"

namespace concur {
namespace {

// Every run_name in the rounds of one side, in order of first appearance.
std::vector<std::string> names_in(const std::vector<SamplesFile>& rounds) {
  std::vector<std::string> names;
  for (const SamplesFile& round : rounds) {
    for (const BenchmarkSamples& b : round.benchmarks) {
      if (std::find(names.begin(), names.end(), b.run_name) == names.end()) names.push_back(b.run_name);
    }
  }
  return names;
}

// The first error of `name` in any round of a side, "" when none.
std::string first_error(const std::vector<SamplesFile>& rounds, const std::string& name) {
  for (const SamplesFile& round : rounds) {
    if (const BenchmarkSamples* b = round.find(name); b && !b->error.empty()) return b->error;
  }
  return "";
}

std::optional<double> suite_threshold(const std::vector<SamplesFile>& rounds, const std::string& name) {
  for (const SamplesFile& round : rounds) {
    if (const BenchmarkSamples* b = round.find(name); b && b->threshold) return b->threshold;
  }
  return std::nullopt;
}

}  // namespace

GateReport ab_report(const std::vector<SamplesFile>& a_rounds, const std::vector<SamplesFile>& b_rounds,
                     const std::string& a_label, const std::string& b_label, const GateOptions& options) {
  GateReport report;
  report.command = "ab";
  report.base_label = "A: " + a_label;
  report.new_label = "B: " + b_label;
  report.method = "per round the median real_time of each side; Wilcoxon signed-rank on log(B/A) over the rounds, "
                  "two-sided; B/A is the Hodges-Lehmann estimate of the ratio";
  report.alpha = options.alpha;
  report.confidence = ab_confidence;

  const std::vector<std::string> a_names = names_in(a_rounds), b_names = names_in(b_rounds);
  std::vector<std::string> names = b_names;
  for (const std::string& n : a_names) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  const std::map<std::string, double> no_calibration;
  for (const std::string& name : names) {
    GateRow row;
    row.name = name;
    row.threshold = choose_threshold(suite_threshold(b_rounds, name), no_calibration, name, options.default_threshold);
    const bool in_a = std::find(a_names.begin(), a_names.end(), name) != a_names.end();
    const bool in_b = std::find(b_names.begin(), b_names.end(), name) != b_names.end();
    const std::string a_error = first_error(a_rounds, name), b_error = first_error(b_rounds, name);
    if (!a_error.empty() || !b_error.empty()) {
      row.verdict = Verdict::error;
      row.note = !b_error.empty() ? "B: " + b_error : "A: " + a_error;
      report.rows.push_back(std::move(row));
      continue;
    }
    std::vector<double> a_real, b_real, a_cpu, b_cpu, log_ratios;
    for (std::size_t r = 0; r < std::min(a_rounds.size(), b_rounds.size()); ++r) {
      const BenchmarkSamples* a = a_rounds[r].find(name);
      const BenchmarkSamples* b = b_rounds[r].find(name);
      if (a) {
        a_real.push_back(median(a->real_ns));
        a_cpu.push_back(median(a->cpu_ns));
      }
      if (b) {
        b_real.push_back(median(b->real_ns));
        b_cpu.push_back(median(b->cpu_ns));
      }
      // A zero time has no ratio; a batch never takes none, but a file may say so.
      if (a && b && a_real.back() > 0 && b_real.back() > 0) log_ratios.push_back(std::log(b_real.back() / a_real.back()));
    }
    row.base_real_ns = median(a_real);
    row.new_real_ns = median(b_real);
    row.base_cpu_ns = median(a_cpu);
    row.new_cpu_ns = median(b_cpu);
    if (!in_a || !in_b) {
      row.verdict = in_b ? Verdict::added : Verdict::removed;
      row.base_n = a_real.size();
      row.new_n = b_real.size();
      report.rows.push_back(std::move(row));
      continue;
    }
    row.base_n = row.new_n = log_ratios.size();
    const RankTest test = wilcoxon_signed_rank(log_ratios);
    const LocationEstimate ratio = hodges_lehmann(log_ratios, ab_confidence);
    row.p_value = test.p_value;
    row.change = std::exp(ratio.value) - 1;
    if (!log_ratios.empty()) {
      row.change_low = std::exp(ratio.low) - 1;
      row.change_high = std::exp(ratio.high) - 1;
    }
    row.verdict = judge(row.change, row.p_value, row.threshold.value, options.alpha);
    report.rows.push_back(std::move(row));
  }
  add_power_warnings(report, "rounds", [](std::size_t n, std::size_t m) { return wilcoxon_min_p(std::min(n, m)); });
  return report;
}

}  // namespace concur
