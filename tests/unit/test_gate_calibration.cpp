// calibrate's noise measure and thresholds, and ab's paired verdict, on hand-written rounds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/ab_analysis.hpp"
#include "gate/calibration.hpp"
#include "gate/compare.hpp"
#include "gate/benchmark_samples.hpp"

namespace concur {
namespace {

using nlohmann::json;

// A results file with one case per (name, times in ms).
SamplesFile run(const std::vector<std::pair<std::string, std::vector<double>>>& cases, const std::string& source = "r.json") {
  json doc{{"benchmarks", json::array()}};
  for (const auto& [name, times] : cases) {
    for (double t : times) {
      doc["benchmarks"].push_back({{"name", name}, {"run_name", name}, {"run_type", "iteration"},
                                   {"real_time", t}, {"cpu_time", t}, {"time_unit", "ms"}});
    }
  }
  return parse_samples(doc, source);
}

TEST(Calibration, ThresholdIsTwiceTheRunToRunSpreadWithATwoPercentFloor) {
  const std::vector<SamplesFile> runs{run({{"noisy", {100, 100, 100}}, {"quiet", {50, 50, 50}}}),
                                      run({{"noisy", {110, 110, 110}}, {"quiet", {50.1, 50.1, 50.1}}}),
                                      run({{"noisy", {105, 105, 105}}, {"quiet", {50, 50, 50}}})};
  const Calibration c = measure_noise(runs, {});
  ASSERT_EQ(c.benchmarks.size(), 2u);
  EXPECT_EQ(c.benchmarks[0].run_name, "noisy");
  EXPECT_EQ(c.benchmarks[0].run_medians_ns, (std::vector<double>{100e6, 110e6, 105e6}));
  EXPECT_NEAR(c.benchmarks[0].between_runs, 10.0 / 105, 1e-12);
  EXPECT_DOUBLE_EQ(c.benchmarks[0].within_run, 0.0);
  EXPECT_NEAR(c.benchmarks[0].threshold, 2 * 10.0 / 105, 1e-12);
  EXPECT_DOUBLE_EQ(c.benchmarks[1].threshold, 0.02);  // 0.2% of noise: the floor

  const json j = calibration_json(c, {}, runs.size());
  EXPECT_EQ(j["runs"], 3);
  EXPECT_NEAR(j["thresholds"]["noisy"].get<double>(), 2 * 10.0 / 105, 1e-12);
  EXPECT_EQ(j["k"], 2.0);
}

TEST(Calibration, WithinRunSpreadCountsWhenRunsAgree) {
  // Every run's median is 100 but the repetitions spread widely: the median itself is uncertain.
  const std::vector<double> wide{80, 90, 100, 110, 120};
  const Calibration c = measure_noise({run({{"x", wide}}), run({{"x", wide}})}, {});
  ASSERT_EQ(c.benchmarks.size(), 1u);
  EXPECT_DOUBLE_EQ(c.benchmarks[0].between_runs, 0.0);
  EXPECT_NEAR(c.benchmarks[0].within_run, 1.2533 * 1.4826 * 10 / 100 / std::sqrt(5.0), 1e-12);
  EXPECT_NEAR(c.benchmarks[0].threshold, 2 * c.benchmarks[0].within_run, 1e-12);
}

TEST(Calibration, ACaseMissingOrFailedInARunGetsNoThreshold) {
  json failed{{"benchmarks", {{{"name", "x"}, {"error_occurred", true}, {"error_message", "boom"}},
                              {{"name", "y"}, {"real_time", 1}, {"cpu_time", 1}}}}};
  const Calibration c = measure_noise({run({{"x", {1}}, {"y", {1}}, {"z", {1}}}), parse_samples(failed, "f.json")}, {});
  ASSERT_EQ(c.benchmarks.size(), 1u);
  EXPECT_EQ(c.benchmarks[0].run_name, "y");
  EXPECT_EQ(c.skipped, (std::vector<std::string>{"x"}));  // z is not in the last run: not a benchmark of it
}

// A calibration baseline passes its own A/A compare: a run of the same noise lies within its thresholds.
TEST(Calibration, AnAaCompareAgainstTheBaselinePasses) {
  const std::vector<SamplesFile> runs{run({{"x", {100, 101, 99, 100, 102, 98, 100, 101, 99}}}),
                                      run({{"x", {103, 104, 102, 103, 105, 101, 103, 104, 102}}}),
                                      run({{"x", {101, 102, 100, 101, 103, 99, 101, 102, 100}}})};
  SamplesFile baseline = runs.back();
  for (const BenchmarkNoise& b : measure_noise(runs, {}).benchmarks) baseline.calibration[b.run_name] = b.threshold;
  const GateReport report = compare_results(baseline, runs[1], {});
  EXPECT_EQ(report.rows.at(0).threshold.source, "calibration");
  EXPECT_EQ(report.rows.at(0).verdict, Verdict::unchanged);
}

std::vector<SamplesFile> rounds(const std::string& name, const std::vector<double>& times) {
  std::vector<SamplesFile> r;
  for (double t : times) r.push_back(run({{name, {t}}}));
  return r;
}

TEST(AbAnalysis, AConsistentTenPercentSlowdownIsARegressionWithItsInterval) {
  const std::vector<double> a{100, 102, 99, 101, 100, 103, 98, 100, 101, 99};
  std::vector<double> b;
  for (std::size_t i = 0; i < a.size(); ++i) b.push_back(a[i] * (1.10 + 0.001 * static_cast<double>(i)));
  const GateReport report = ab_report(rounds("x", a), rounds("x", b), "a", "b", {});
  ASSERT_EQ(report.rows.size(), 1u);
  const GateRow& r = report.rows[0];
  EXPECT_EQ(r.verdict, Verdict::regression);
  EXPECT_EQ(r.base_n, 10u);
  EXPECT_NEAR(r.p_value, 0.001953125, 1e-12);  // all ten ratios above 1: 2 / 2^10
  EXPECT_NEAR(r.change, 0.1045, 0.001);
  ASSERT_TRUE(r.change_low && r.change_high);
  EXPECT_LE(*r.change_low, r.change);
  EXPECT_GE(*r.change_high, r.change);
  EXPECT_GT(*r.change_low, 0.09);
  EXPECT_EQ(gate_exit_code(report), 1);
  EXPECT_TRUE(report.warnings.empty());
}

TEST(AbAnalysis, SameTimesAreUnchangedAndFewRoundsAreWarnedAbout) {
  const std::vector<double> a{100, 101, 99, 100, 102};
  const GateReport report = ab_report(rounds("x", a), rounds("x", a), "a", "b", {});
  EXPECT_EQ(report.rows.at(0).verdict, Verdict::unchanged);
  EXPECT_DOUBLE_EQ(report.rows.at(0).change, 0.0);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("with 5 and 5 rounds"), std::string::npos) << report.warnings[0];
  EXPECT_NE(report.warnings[0].find("cannot reach significance (the smallest possible p is 0.0625)"), std::string::npos)
      << report.warnings[0];
}

TEST(AbAnalysis, ErrorsAddedAndRemoved) {
  std::vector<SamplesFile> a{run({{"both", {1}}, {"only_a", {1}}, {"broken", {1}}})};
  json b_doc{{"benchmarks", {{{"name", "both"}, {"real_time", 1}, {"cpu_time", 1}},
                             {{"name", "only_b"}, {"real_time", 1}, {"cpu_time", 1}},
                             {{"name", "broken"}, {"error_occurred", true}, {"error_message", "crashed"}}}}};
  std::vector<SamplesFile> b{parse_samples(b_doc, "b.json")};
  const GateReport report = ab_report(a, b, "a", "b", {});
  std::map<std::string, Verdict> verdicts;
  for (const GateRow& r : report.rows) verdicts[r.name] = r.verdict;
  EXPECT_EQ(verdicts["only_b"], Verdict::added);
  EXPECT_EQ(verdicts["only_a"], Verdict::removed);
  EXPECT_EQ(verdicts["broken"], Verdict::error);
  EXPECT_EQ(verdicts["both"], Verdict::unchanged);
  EXPECT_EQ(gate_exit_code(report), 1);
}

}  // namespace
}  // namespace concur
