// End-to-end: compare's exit codes and formats on hand-written results files, calibrate and ab on a tiny loiter suite.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_fixture.hpp"

namespace {

using concur_e2e::Cli;
using concur_e2e::Result;
using nlohmann::json;

// A results file in the RESULTS.md format: one case, its repetitions (ms) and a median aggregate.
std::string results_text(const std::string& run_name, const std::vector<double>& times) {
  json doc{{"context", {{"suite", {{"name", "gate"}}}}}, {"benchmarks", json::array()}};
  for (std::size_t i = 0; i < times.size(); ++i) {
    doc["benchmarks"].push_back({{"name", run_name}, {"run_name", run_name}, {"run_type", "iteration"},
                                 {"repetitions", times.size()}, {"repetition_index", i}, {"real_time", times[i]},
                                 {"cpu_time", times[i]}, {"time_unit", "ms"}, {"group", "loiter"},
                                 {"entry", "loiter"}, {"workload", "loiter"}, {"strategy", "threads"},
                                 {"workers", 2}, {"params", json::object()}});
  }
  doc["benchmarks"].push_back({{"name", run_name + "_median"}, {"run_name", run_name}, {"run_type", "aggregate"},
                               {"aggregate_name", "median"}, {"real_time", times[0]}, {"cpu_time", times[0]},
                               {"time_unit", "ms"}});
  return doc.dump(1);
}

const std::vector<double> steady{100, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.3, 99.7, 100.4};

std::vector<double> scaled(double factor) {
  std::vector<double> v;
  for (double t : steady) v.push_back(t * factor);
  return v;
}

// Two cases of 10 ms and 20 ms sleeps on two threads: deterministic, and a run takes a fraction of a second.
const std::string tiny_suite =
    "name: tiny\nrepetitions: 2\nwarmup: 0\nstrategies: [threads]\nworkers: [2]\n"
    "workloads:\n  - workload: loiter\n    durations: [1, 2]\n    unit: 10ms\n";

TEST_F(Cli, CompareExitsZeroOnTheSameResultsAndOneOnARegression) {
  write("base.json", results_text("loiter/threads/workers:2", steady));
  write("same.json", results_text("loiter/threads/workers:2", steady));
  write("slow.json", results_text("loiter/threads/workers:2", scaled(1.2)));
  Result r = concur("compare base.json same.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("unchanged  loiter/threads/workers:2"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");

  r = concur("compare base.json slow.json");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("regression  loiter/threads/workers:2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("+20.0%"), std::string::npos) << r.out;

  r = concur("compare base.json slow.json --threshold 25%");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  r = concur("compare base.json slow.json --format json");
  EXPECT_EQ(r.exit_code, 1);
  const json j = json::parse(r.out);
  EXPECT_EQ(j.at("counts").at("regression"), 1);
  EXPECT_EQ(j.at("benchmarks").at(0).at("threshold"), 0.05);

  r = concur("compare base.json slow.json --format markdown");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("### :x: concur compare: 1 regression,", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("| **regression** | `loiter/threads/workers:2` |"), std::string::npos) << r.out;
}

TEST_F(Cli, CompareExitsTwoOnInputItCannotUse) {
  write("base.json", results_text("x", steady));
  write("broken.json", "{\"benchmarks\": [");
  write("empty.json", "{\"context\": {}, \"benchmarks\": []}");
  write("other.json", results_text("y", steady));
  write("bad_time.json", R"({"benchmarks": [{"name": "x", "real_time": "fast", "cpu_time": 1}]})");
  const auto expect_error = [&](const std::string& args, const std::string& start) {
    const Result r = concur(args);
    EXPECT_EQ(r.exit_code, 2) << args << '\n' << r.out << r.err;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(r.err.rfind("concur: " + start, 0), 0u) << args << '\n' << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line
  };
  expect_error("compare base.json missing.json", "missing.json: cannot read: No such file or directory");
  expect_error("compare base.json broken.json", "broken.json: not valid JSON");
  expect_error("compare base.json empty.json", "empty.json: benchmarks: empty; expected at least one benchmark");
  expect_error("compare base.json other.json", "base.json and other.json: no benchmark in common");
  expect_error("compare base.json bad_time.json", "bad_time.json: benchmarks[0] (x).real_time: is string \"fast\"");
  expect_error("compare base.json base.json --format html", "--format: html not in");
}

TEST_F(Cli, CalibrateWritesABaselineItsOwnRunPassesAgainst) {
  write("tiny.yaml", tiny_suite);
  Result r = concur("calibrate tiny.yaml --runs 2 --interleave -o base.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("concur calibrate: run 2 of 2"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("baseline: base.json"), std::string::npos) << r.out;
  const json base = read_json("base.json");
  const json& calibration = base.at("context").at("calibration");
  EXPECT_EQ(calibration.at("runs"), 2);
  EXPECT_EQ(base.at("context").at("suite").at("interleave"), true);  // handed on to each run
  ASSERT_EQ(calibration.at("thresholds").size(), 1u);
  for (const auto& [name, threshold] : calibration.at("thresholds").items()) {
    EXPECT_EQ(name, base.at("benchmarks").at(0).at("run_name"));
    EXPECT_GE(threshold.get<double>(), 0.02);
  }
  // The baseline is a results file like any other: it compares clean against itself.
  r = concur("compare base.json base.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(calibration)"), std::string::npos) << r.out;

  r = concur("calibrate tiny.yaml --runs 1");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = concur("calibrate tiny.yaml --runs 2 -o missing/base.json");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("concur: --out missing/base.json: no folder", 0), 0u) << r.err;
}

TEST_F(Cli, AbOfTheSameBuildFindsNoRegressionInAbbaOrder) {
  write("tiny.yaml", tiny_suite);
  const std::string self = CONCUR_BINARY;
  const Result r = concur("ab tiny.yaml --rounds 4 --a-exec '" + self + "' --b-exec '" + self + "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j.at("counts").at("regression"), 0);
  EXPECT_EQ(j.at("counts").at("error"), 0);
  ASSERT_EQ(j.at("benchmarks").size(), 1u);
  EXPECT_EQ(j.at("benchmarks").at(0).at("base").at("n"), 4);
  // A B, then B A: neither side always goes first.
  const std::string order = "round 1 of 4: A\nconcur ab: round 1 of 4: B\nconcur ab: round 2 of 4: B\n"
                            "concur ab: round 2 of 4: A\nconcur ab: round 3 of 4: A\n";
  EXPECT_NE(r.err.find(order), std::string::npos) << r.err;
}

TEST_F(Cli, AbPassesPluginFoldersAndRunOptions) {
  write("tiny.yaml", tiny_suite);
  const std::string plugins = CONCUR_TEST_PLUGIN_DIR;
  const Result r = concur("ab tiny.yaml --rounds 2 --a " + plugins + " --b " + plugins +
                          " --set unit=5ms --filter threads");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("A: " + std::string(CONCUR_BINARY) + " --plugin-dir " + plugins), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cannot reach significance"), std::string::npos) << r.out;  // 2 rounds
  EXPECT_NE(r.out.find("0 regressions"), std::string::npos) << r.out;

  const Result bad = concur("ab tiny.yaml --rounds 1 --set nonsense=1");
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("concur: ab: round 1, side A"), std::string::npos) << bad.err;
}

}  // namespace
