// compare's verdicts on hand-written results (the RESULTS.md format and plain Google Benchmark JSON), the reader's errors, the threshold order, the reports' shape.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/compare.hpp"
#include "gate/report_format.hpp"
#include "gate/benchmark_samples.hpp"

namespace concur {
namespace {

using nlohmann::json;

// One case's repetitions and its aggregates, as concur run writes them.
std::vector<json> repetitions(const std::string& run_name, const std::vector<double>& times, const std::string& unit = "ms",
                              const json& extra = json::object()) {
  std::vector<json> entries;
  for (std::size_t i = 0; i < times.size(); ++i) {
    json e{{"name", run_name},        {"run_name", run_name},  {"run_type", "iteration"},
           {"repetitions", times.size()}, {"repetition_index", i}, {"real_time", times[i]},
           {"cpu_time", times[i] / 2},  {"time_unit", unit}};
    e.update(extra);
    entries.push_back(e);
  }
  for (const char* aggregate : {"mean", "median"}) {
    entries.push_back({{"name", run_name + "_" + aggregate}, {"run_name", run_name}, {"run_type", "aggregate"},
                       {"aggregate_name", aggregate}, {"real_time", 1e9}, {"cpu_time", 1e9}, {"time_unit", unit}});
  }
  return entries;
}

SamplesFile results(const std::vector<std::vector<json>>& cases, const std::string& source, json context = json::object()) {
  json doc{{"context", context}, {"benchmarks", json::array()}};
  for (const auto& c : cases) {
    for (const json& e : c) doc["benchmarks"].push_back(e);
  }
  return parse_samples(doc, source);
}

// n times around `centre`, spread evenly over +-`spread` (a fraction): deterministic noise.
std::vector<double> around(double centre, double spread, int n = 10) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(centre * (1 + spread * (2.0 * i / (n - 1) - 1)));
  return v;
}

const GateRow& row(const GateReport& report, const std::string& name) {
  for (const GateRow& r : report.rows) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no row " + name);
}

const std::string case_a = "rc4/threads/workers:2";
const std::string case_b = "loiter/uring/workers:3";

TEST(Compare, IdenticalFilesAreUnchanged) {
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01)), repetitions(case_b, around(50, 0.01))}, "base.json");
  const GateReport report = compare_results(base, base, {});
  EXPECT_EQ(report.rows.size(), 2u);
  EXPECT_EQ(report.count(Verdict::unchanged), 2u);
  EXPECT_DOUBLE_EQ(row(report, case_a).change, 0.0);
  EXPECT_DOUBLE_EQ(row(report, case_a).p_value, 1.0);
  EXPECT_TRUE(report.warnings.empty());
  EXPECT_EQ(gate_exit_code(report), 0);
}

TEST(Compare, TwentyPercentSlowerWithLowNoiseIsARegression) {
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01))}, "base.json");
  const SamplesFile next = results({repetitions(case_a, around(120, 0.01))}, "new.json");
  const GateReport report = compare_results(base, next, {});
  const GateRow& r = row(report, case_a);
  EXPECT_EQ(r.verdict, Verdict::regression);
  EXPECT_NEAR(r.change, 0.2, 1e-9);
  EXPECT_LT(r.p_value, 0.001);
  EXPECT_NEAR(r.base_real_ns, 100e6, 1);  // ms converted
  EXPECT_NEAR(r.new_cpu_ns, 60e6, 1);
  EXPECT_EQ(r.threshold.source, "default");
  EXPECT_EQ(gate_exit_code(report), 1);
  // The other way round it is an improvement, which passes.
  const GateReport back = compare_results(next, base, {});
  EXPECT_EQ(row(back, case_a).verdict, Verdict::improvement);
  EXPECT_EQ(gate_exit_code(back), 0);
}

TEST(Compare, ThreePercentSlowerWithinTheNoiseIsUnchanged) {
  const SamplesFile base = results({repetitions(case_a, around(100, 0.05))}, "base.json");
  const SamplesFile next = results({repetitions(case_a, around(103, 0.05))}, "new.json");
  const GateReport report = compare_results(base, next, {});
  EXPECT_EQ(row(report, case_a).verdict, Verdict::unchanged);
  EXPECT_NEAR(row(report, case_a).change, 0.03, 1e-9);
  EXPECT_EQ(gate_exit_code(report), 0);
}

TEST(Compare, SignificantButBelowTheThresholdIsUnchanged) {
  // 3% slower with almost no noise: significant, yet under the 5% default.
  const SamplesFile base = results({repetitions(case_a, around(100, 0.001))}, "base.json");
  const SamplesFile next = results({repetitions(case_a, around(103, 0.001))}, "new.json");
  GateReport report = compare_results(base, next, {});
  EXPECT_LT(row(report, case_a).p_value, 0.05);
  EXPECT_EQ(row(report, case_a).verdict, Verdict::unchanged);
  // A 2% default (--threshold) makes it a regression.
  report = compare_results(base, next, {0.02, 0.05});
  EXPECT_EQ(row(report, case_a).verdict, Verdict::regression);
}

TEST(Compare, AddedAndRemovedBenchmarks) {
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01)), repetitions("gone/threads/workers:1", around(10, 0.01))}, "base.json");
  const SamplesFile next = results({repetitions(case_a, around(100, 0.01)), repetitions(case_b, around(10, 0.01))}, "new.json");
  const GateReport report = compare_results(base, next, {});
  EXPECT_EQ(row(report, case_b).verdict, Verdict::added);
  EXPECT_EQ(row(report, "gone/threads/workers:1").verdict, Verdict::removed);
  EXPECT_EQ(row(report, case_a).verdict, Verdict::unchanged);
  EXPECT_EQ(gate_exit_code(report), 0);
}

TEST(Compare, NoBenchmarkInCommonIsIncompatible) {
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01))}, "base.json");
  const SamplesFile next = results({repetitions(case_b, around(100, 0.01))}, "new.json");
  EXPECT_THROW(compare_results(base, next, {}), SamplesReadError);
}

TEST(Compare, TooFewRepetitionsAreWarnedAbout) {
  const SamplesFile base = results({repetitions(case_a, {100, 101, 102}), repetitions(case_b, {50, 51, 52})}, "base.json");
  const SamplesFile next = results({repetitions(case_a, {200, 201, 202}), repetitions(case_b, {50, 51, 52})}, "new.json");
  const GateReport report = compare_results(base, next, {});
  // 3 against 3 cannot reach p < 0.05 (0.1 at best): even doubling is no regression, and the report says why.
  EXPECT_EQ(row(report, case_a).verdict, Verdict::unchanged);
  EXPECT_DOUBLE_EQ(row(report, case_a).p_value, 0.1);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("2 benchmarks"), std::string::npos) << report.warnings[0];
  EXPECT_NE(report.warnings[0].find("with 3 and 3 repetitions"), std::string::npos) << report.warnings[0];
  EXPECT_NE(report.warnings[0].find("cannot reach significance (the smallest possible p is 0.1)"), std::string::npos)
      << report.warnings[0];
  EXPECT_NE(row(report, case_a).note.find("cannot reach significance"), std::string::npos);
}

TEST(Compare, FiveRepetitionsAreWarnedAboutButCanDecide) {
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01, 5))}, "base.json");
  const SamplesFile next = results({repetitions(case_a, around(150, 0.01, 5))}, "new.json");
  const GateReport report = compare_results(base, next, {});
  EXPECT_EQ(row(report, case_a).verdict, Verdict::regression);  // p = 2/252
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings[0].find("cannot reach"), std::string::npos);
}

TEST(Compare, ThresholdOrderSuiteThenCalibrationThenDefault) {
  const json calibration{{"calibration", {{"runs", 3}, {"thresholds", {{case_a, 0.3}, {case_b, 0.3}}}}}};
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01)), repetitions(case_b, around(100, 0.01)),
                                    repetitions("other", around(100, 0.01))},
                                   "base.json", calibration);
  const SamplesFile next = results({repetitions(case_a, around(120, 0.01), "ms", {{"threshold", 0.1}}),
                                    repetitions(case_b, around(120, 0.01)), repetitions("other", around(120, 0.01))},
                                   "new.json");
  const GateReport report = compare_results(base, next, {});
  EXPECT_EQ(row(report, case_a).threshold.source, "suite");  // 10%: 20% slower is a regression
  EXPECT_EQ(row(report, case_a).verdict, Verdict::regression);
  EXPECT_EQ(row(report, case_b).threshold.source, "calibration");  // 30%: within the measured noise
  EXPECT_DOUBLE_EQ(row(report, case_b).threshold.value, 0.3);
  EXPECT_EQ(row(report, case_b).verdict, Verdict::unchanged);
  EXPECT_EQ(row(report, "other").threshold.source, "default");
  EXPECT_EQ(row(report, "other").verdict, Verdict::regression);
}

TEST(Compare, TimeUnitsConvert) {
  std::vector<double> ns;
  for (double ms : around(100, 0.01)) ns.push_back(ms * 1e6);
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01), "ms")}, "base.json");
  const SamplesFile next = results({repetitions(case_a, ns, "ns")}, "new.json");
  const GateReport report = compare_results(base, next, {});
  EXPECT_NEAR(row(report, case_a).change, 0.0, 1e-12);
  EXPECT_EQ(row(report, case_a).verdict, Verdict::unchanged);
}

TEST(Compare, AnErroredRunIsAnErrorNotATime) {
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01))}, "base.json");
  json failed{{"name", case_a}, {"run_name", case_a}, {"run_type", "iteration"}, {"repetitions", 1},
              {"error_occurred", true}, {"error_message", "task 3: wrong digest"}};
  const SamplesFile next = results({{failed}}, "new.json");
  const GateReport report = compare_results(base, next, {});
  EXPECT_EQ(row(report, case_a).verdict, Verdict::error);
  EXPECT_EQ(row(report, case_a).note, "new: task 3: wrong digest");
  EXPECT_EQ(gate_exit_code(report), 1);
}

// A file from another Google Benchmark program: no run_name, no concur fields, microseconds.
TEST(BenchmarkSamples, PlainGoogleBenchmarkFilesPairByName) {
  const json doc = json::parse(R"({
    "context": {"date": "2024-01-01", "num_cpus": 2},
    "benchmarks": [
      {"name": "BM_Sort/1024", "iterations": 1000, "real_time": 12.5, "cpu_time": 12.4, "time_unit": "us"},
      {"name": "BM_Sort/1024", "iterations": 1000, "real_time": 12.7, "cpu_time": 12.6, "time_unit": "us"},
      {"name": "BM_Sort/1024_mean", "aggregate_name": "mean", "iterations": 2, "real_time": 12.6, "cpu_time": 12.5, "time_unit": "us"},
      {"name": "BM_Only_median", "run_name": "BM_Only", "run_type": "aggregate", "aggregate_name": "median", "real_time": 3, "cpu_time": 3, "time_unit": "ms"}
    ]})");
  const SamplesFile data = parse_samples(doc, "gb.json");
  ASSERT_EQ(data.benchmarks.size(), 2u);
  EXPECT_EQ(data.benchmarks[0].run_name, "BM_Sort/1024");
  EXPECT_EQ(data.benchmarks[0].real_ns, (std::vector<double>{12500, 12700}));
  EXPECT_EQ(data.benchmarks[1].run_name, "BM_Only");  // only aggregates: its median stands in
  EXPECT_TRUE(data.benchmarks[1].from_aggregate);
  EXPECT_EQ(data.benchmarks[1].real_ns, (std::vector<double>{3e6}));
}

TEST(BenchmarkSamples, ErrorsNameTheFileAndTheField) {
  const auto error = [](const std::string& text) {
    try {
      parse_samples(json::parse(text), "f.json");
    } catch (const SamplesReadError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(R"({"context": {}})"), "f.json: benchmarks: missing; expected Google Benchmark's `benchmarks` array");
  EXPECT_EQ(error(R"({"benchmarks": []})"), "f.json: benchmarks: empty; expected at least one benchmark");
  EXPECT_EQ(error(R"([1])"), "f.json: the document is array; expected an object with `benchmarks`");
  EXPECT_EQ(error(R"({"benchmarks": [{"real_time": 1}]})"), "f.json: benchmarks[0].name: missing; expected a string");
  EXPECT_EQ(error(R"({"benchmarks": [{"name": "x", "real_time": null, "cpu_time": 1}]})"),
            "f.json: benchmarks[0] (x).real_time: is null; expected a time (a number)");
  EXPECT_EQ(error(R"({"benchmarks": [{"name": "x", "real_time": 1, "cpu_time": 1, "time_unit": "min"}]})"),
            "f.json: benchmarks[0] (x).time_unit: is \"min\"; expected ns, us, ms or s");
  EXPECT_EQ(error(R"({"benchmarks": [{"name": "x", "real_time": 1, "cpu_time": 1, "threshold": -1}]})"),
            "f.json: benchmarks[0] (x).threshold: is number -1; expected a fraction above 0");
  EXPECT_EQ(error(R"({"context": {"calibration": {"thresholds": {"x": "5%"}}}, "benchmarks": [{"name": "x", "real_time": 1, "cpu_time": 1}]})"),
            "f.json: context.calibration.thresholds.x: is string \"5%\"; expected a fraction above 0");
}

TEST(Report, MarkdownIsAHeadingATableAndTheWarnings) {
  const SamplesFile base = results({repetitions(case_a, {100, 101, 102}), repetitions("a|b", {50, 51, 52})}, "base.json");
  const SamplesFile next = results({repetitions(case_a, {120, 121, 122}), repetitions("a|b", {50, 51, 52})}, "new.json");
  const std::string md = report_markdown(compare_results(base, next, {}));
  EXPECT_EQ(md.rfind("### :white_check_mark: concur compare: 0 regressions, 0 improvements, 2 unchanged, 0 added, 0 removed, 0 errors\n", 0), 0u) << md;
  EXPECT_NE(md.find("\n| verdict | benchmark | base real | new real | change | p | threshold | cpu | n | note |\n"
                    "|---|---|---:|---:|---:|---:|---|---|---|---|\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| unchanged | `rc4/threads/workers:2` | 101 ms | 121 ms | +19.8% | 0.1 | 5% (default) |"), std::string::npos) << md;
  EXPECT_NE(md.find("`a\\|b`"), std::string::npos) << md;  // a pipe in a name does not split the row
  EXPECT_NE(md.find("\n> [!WARNING]\n> 2 benchmarks"), std::string::npos) << md;
}

TEST(Report, JsonAndTextCarryTheVerdicts) {
  const SamplesFile base = results({repetitions(case_a, around(100, 0.01))}, "base.json");
  const SamplesFile next = results({repetitions(case_a, around(120, 0.01))}, "new.json");
  const GateReport report = compare_results(base, next, {});
  const json j = json::parse(format_report(report, "json"));
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["counts"]["regression"], 1);
  EXPECT_EQ(j["benchmarks"][0]["verdict"], "regression");
  EXPECT_EQ(j["benchmarks"][0]["threshold_source"], "default");
  const std::string text = format_report(report, "text");
  EXPECT_NE(text.find("regression  rc4/threads/workers:2"), std::string::npos) << text;
  EXPECT_NE(text.find("1 regression, 0 improvements"), std::string::npos) << text;
  EXPECT_THROW(format_report(report, "html"), std::invalid_argument);
}

}  // namespace
}  // namespace concur
