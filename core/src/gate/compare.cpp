#include "gate/compare.hpp"

#include "util/rank_tests.hpp"
#include "util/statistics.hpp"

namespace concur {

GateReport compare_results(const SamplesFile& base, const SamplesFile& next, const GateOptions& options) {
  GateReport report;
  report.command = "compare";
  report.base_label = base.path.string();
  report.new_label = next.path.string();
  report.method = "Mann-Whitney U on real_time repetitions, two-sided";
  report.alpha = options.alpha;

  bool shared = false;
  for (const BenchmarkSamples& n : next.benchmarks) {
    GateRow row;
    row.name = n.run_name;
    const BenchmarkSamples* b = base.find(n.run_name);
    row.threshold = choose_threshold(n.threshold, base.calibration, n.run_name, options.default_threshold);
    row.new_n = n.real_ns.size();
    row.new_real_ns = median(n.real_ns);
    row.new_cpu_ns = median(n.cpu_ns);
    if (!b) {  // added; one that fails is an error all the same
      row.verdict = n.error.empty() ? Verdict::added : Verdict::error;
      if (!n.error.empty()) row.note = "new: " + n.error;
      report.rows.push_back(std::move(row));
      continue;
    }
    shared = true;
    row.base_n = b->real_ns.size();
    row.base_real_ns = median(b->real_ns);
    row.base_cpu_ns = median(b->cpu_ns);
    if (!n.error.empty() || !b->error.empty()) {
      row.verdict = Verdict::error;
      row.note = !n.error.empty() ? "new: " + n.error : "base: " + b->error;
      report.rows.push_back(std::move(row));
      continue;
    }
    const RankTest test = mann_whitney_u(b->real_ns, n.real_ns);
    row.p_value = test.p_value;
    row.change = row.base_real_ns > 0 ? row.new_real_ns / row.base_real_ns - 1 : 0;
    row.verdict = judge(row.change, row.p_value, row.threshold.value, options.alpha);
    report.rows.push_back(std::move(row));
  }
  for (const BenchmarkSamples& b : base.benchmarks) {
    if (next.find(b.run_name)) continue;
    GateRow row;
    row.name = b.run_name;
    row.verdict = Verdict::removed;
    row.base_n = b.real_ns.size();
    row.base_real_ns = median(b.real_ns);
    row.base_cpu_ns = median(b.cpu_ns);
    row.threshold = choose_threshold(b.threshold, base.calibration, b.run_name, options.default_threshold);
    report.rows.push_back(std::move(row));
  }
  if (!shared) {
    throw SamplesReadError(base.path.string() + " and " + next.path.string() +
                           ": no benchmark in common (by run_name); expected results of the same suite");
  }
  add_power_warnings(report, "repetitions", mann_whitney_min_p);
  for (const auto* data : {&base, &next}) {
    for (const BenchmarkSamples& b : data->benchmarks) {
      if (b.from_aggregate) {
        report.warnings.push_back(data->path.string() + ": " + b.run_name +
                                  " has only aggregates; its median stands in as one repetition");
      }
    }
  }
  return report;
}

}  // namespace concur
