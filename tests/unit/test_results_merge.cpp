// Results merge: shards of one suite back in the plan's order, their contexts united, and the files it refuses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "results/results_merge.hpp"

namespace concur {
namespace {

using nlohmann::json;

// A case's one repetition and its mean, as `concur run` writes them (docs/RESULTS.md).
json case_entries(const std::string& group, const std::string& strategy, int workers, std::size_t family) {
  const std::string name = group + "/" + strategy + "/workers:" + std::to_string(workers);
  json run = {{"name", name},          {"run_name", name},   {"family_index", family}, {"run_type", "iteration"},
              {"group", group},        {"entry", group},     {"workload", group}, {"strategy", strategy},
              {"workers", workers},    {"params", json::object()}, {"repetitions", 1}, {"repetition_index", 0},
              {"real_time", 1.5},      {"cpu_time", 1.0},    {"time_unit", "ms"}};
  json mean = run;
  mean["name"] = name + "_mean";
  mean["run_type"] = "aggregate";
  mean["aggregate_name"] = "mean";
  mean.erase("repetition_index");
  return json::array({run, mean});
}

struct Coordinates {
  std::string group, strategy;
  int workers;
};

// A shard's document: its cases in the order given, one timeline each.
ResultsInput shard(const std::string& path, const std::string& shard_text, const std::vector<Coordinates>& cases) {
  json doc = {{"context",
               {{"date", "2026-11-27T10:00:00+00:00"},
                {"host_name", "host-" + path},
                {"concur_version", "0.1.0"},
                {"concur_abi_version", 5},
                {"suite", {{"name", "s"}, {"sha256", "abc"}}},
                {"shard", shard_text},
                {"groups", json::array({{{"group", "rc4"}}, {{"group", "loiter"}}})},
                {"plugins", json::array({{{"name", "threads"}, {"sha256", "t1"}}})},
                {"plugin_files", json::array({{{"name", "threads"}, {"path", "/p/threads.so"}}})}}},
              {"benchmarks", json::array()},
              {"timelines", json::array()}};
  for (const Coordinates& c : cases) {
    for (const json& b : case_entries(c.group, c.strategy, c.workers, doc["timelines"].size())) {
      doc["benchmarks"].push_back(b);
    }
    doc["timelines"].push_back({{"name", c.group + "/" + c.strategy + "/workers:" + std::to_string(c.workers)}});
  }
  return results_input(path, doc.dump());
}

std::vector<std::string> case_order(const json& merged) {
  std::vector<std::string> names;
  for (const json& b : merged.at("benchmarks")) {
    if (names.empty() || names.back() != b.at("run_name")) names.push_back(b.at("run_name"));
  }
  return names;
}

// The plan: rc4 (sequential, threads x [1, 2]), then loiter (threads x [1, 2, 4]).
const std::vector<std::string> plan = {"rc4/sequential/workers:1", "rc4/threads/workers:1",
                                       "rc4/threads/workers:2",    "loiter/threads/workers:1",
                                       "loiter/threads/workers:2", "loiter/threads/workers:4"};

TEST(ResultsMerge, RoundRobinShardsComeBackInThePlansOrder) {
  const json merged = merge_results(
      {shard("a.json", "1/2", {{"rc4", "sequential", 1}, {"rc4", "threads", 2}, {"loiter", "threads", 2}}),
       shard("b.json", "2/2", {{"rc4", "threads", 1}, {"loiter", "threads", 1}, {"loiter", "threads", 4}})});
  EXPECT_EQ(case_order(merged), plan);
  // Each case's entries stay together, numbered as one run numbers them.
  ASSERT_EQ(merged["benchmarks"].size(), 12u);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(merged["benchmarks"][i]["family_index"], i / 2) << i;
  EXPECT_EQ(merged["benchmarks"][1]["name"], "rc4/sequential/workers:1_mean");
}

TEST(ResultsMerge, BlocksGivenInAnyOrderComeBackInThePlansOrder) {
  const json merged = merge_results(
      {shard("b.json", "2/2", {{"loiter", "threads", 1}, {"loiter", "threads", 2}, {"loiter", "threads", 4}}),
       shard("a.json", "1/2", {{"rc4", "sequential", 1}, {"rc4", "threads", 1}, {"rc4", "threads", 2}})});
  EXPECT_EQ(case_order(merged), plan);
  // Timelines as the files hold them, in argument order.
  ASSERT_EQ(merged["timelines"].size(), 6u);
  EXPECT_EQ(merged["timelines"][0]["name"], "loiter/threads/workers:1");
  EXPECT_EQ(merged["timelines"][3]["name"], "rc4/sequential/workers:1");
}

TEST(ResultsMerge, CasesWithoutTheirCoordinatesKeepEachFilesOrderFilesInArgumentOrder) {
  ResultsInput a = shard("a.json", "1/2", {{"rc4", "threads", 2}, {"rc4", "threads", 1}});
  ResultsInput b = shard("b.json", "2/2", {{"loiter", "threads", 1}});
  for (json& entry : a.doc["benchmarks"]) entry.erase("group");  // as a file written before docs/RESULTS.md
  EXPECT_EQ(case_order(merge_results({a, b})),
            (std::vector<std::string>{"rc4/threads/workers:2", "rc4/threads/workers:1", "loiter/threads/workers:1"}));
}

TEST(ResultsMerge, TheContextIsTheFirstFilesWithEachShardRecordedAndPluginsUnited) {
  ResultsInput a = shard("a.json", "1/2", {{"rc4", "threads", 1}});
  ResultsInput b = shard("b.json", "2/2", {{"rc4", "threads", 2}});
  b.doc["context"]["plugins"].push_back({{"name", "tbb"}, {"sha256", "b1"}});
  b.doc["context"]["plugin_files"].push_back({{"name", "tbb"}, {"path", "/p/tbb.so"}});
  b.doc["context"].erase("shard");
  b.doc["context"]["interrupted"] = {{"signal", "SIGTERM"}, {"missing_cases", {"rc4/threads/workers:4"}}};
  const json context = merge_results({a, b}).at("context");
  EXPECT_FALSE(context.contains("shard"));
  EXPECT_EQ(context["host_name"], "host-a.json");
  EXPECT_EQ(context["shards"], json::parse(R"([
    {"path": "a.json", "host_name": "host-a.json", "date": "2026-11-27T10:00:00+00:00", "shard": "1/2"},
    {"path": "b.json", "host_name": "host-b.json", "date": "2026-11-27T10:00:00+00:00"}])"));
  EXPECT_EQ(context["plugins"],
            json::parse(R"([{"name": "threads", "sha256": "t1"}, {"name": "tbb", "sha256": "b1"}])"));
  EXPECT_EQ(context["plugin_files"].size(), 2u);
  EXPECT_EQ(context["groups"], json::parse(R"([{"group": "rc4"}, {"group": "loiter"}])"));
  EXPECT_EQ(context["interrupted"]["missing_cases"], json::array({"rc4/threads/workers:4"}));
}

TEST(ResultsMerge, OneFileIsItselfWithItsShardRecorded) {
  const ResultsInput a = shard("a.json", "1/1", {{"rc4", "sequential", 1}, {"rc4", "threads", 1}});
  json merged = merge_results({a});
  EXPECT_EQ(merged["benchmarks"], a.doc["benchmarks"]);
  EXPECT_EQ(merged["timelines"], a.doc["timelines"]);
  EXPECT_EQ(merged["context"]["shards"].size(), 1u);
  merged["context"].erase("shards");
  json context = a.doc["context"];
  context.erase("shard");
  EXPECT_EQ(merged["context"], context);
}

std::string merge_error(const std::vector<ResultsInput>& inputs) {
  try {
    merge_results(inputs);
  } catch (const MergeError& e) {
    return e.what();
  }
  return "merged";
}

TEST(ResultsMerge, RefusesShardsOfAnotherSuiteVersionOrAbi) {
  const ResultsInput a = shard("a.json", "1/2", {{"rc4", "threads", 1}});
  ResultsInput b = shard("b.json", "2/2", {{"rc4", "threads", 2}});
  b.doc["context"]["suite"]["sha256"] = "def";
  EXPECT_EQ(merge_error({a, b}), "a.json and b.json are results of different suites (context.suite.sha256 abc and "
                                 "def); expected shards of one suite");
  b = shard("b.json", "2/2", {{"rc4", "threads", 2}});
  b.doc["context"]["concur_version"] = "0.2.0";
  EXPECT_EQ(merge_error({a, b}),
            "a.json has context.concur_version \"0.1.0\", b.json has \"0.2.0\"; expected shards run by one concur "
            "version");
  b = shard("b.json", "2/2", {{"rc4", "threads", 2}});
  b.doc["context"]["concur_abi_version"] = 6;
  EXPECT_EQ(merge_error({a, b}),
            "a.json has context.concur_abi_version 5, b.json has 6; expected shards run by one concur ABI");
}

TEST(ResultsMerge, RefusesACaseInTwoFiles) {
  EXPECT_EQ(merge_error({shard("a.json", "1/2", {{"rc4", "threads", 1}}),
                         shard("b.json", "2/2", {{"rc4", "threads", 2}, {"rc4", "threads", 1}})}),
            "case rc4/threads/workers:1 is in both a.json and b.json; expected each case in one shard");
}

TEST(ResultsMerge, RefusesWhatIsNoResultsFile) {
  const auto refusal = [](const std::string& text) {
    try {
      results_input("x.json", text);
    } catch (const MergeError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string expected = "; expected the JSON file `concur run` writes";
  EXPECT_EQ(refusal("{\"context\":"), "x.json: not a concur results file: not valid JSON" + expected);
  EXPECT_EQ(refusal("[1, 2]"), "x.json: not a concur results file: no context object" + expected);
  EXPECT_EQ(refusal(R"({"context": {}, "benchmarks": []})"),
            "x.json: not a concur results file: no context.concur_version" + expected);
  EXPECT_EQ(refusal(R"({"context": {"concur_version": "0.1.0", "concur_abi_version": 5}, "benchmarks": []})"),
            "x.json: not a concur results file: no context.suite.sha256" + expected);
  EXPECT_EQ(refusal(R"({"context": {"concur_version": "0.1.0", "concur_abi_version": 5, "suite": {"sha256": "a"}},
                        "benchmarks": [{"name": "x"}]})"),
            "x.json: not a concur results file: benchmarks[0] has no run_name" + expected);
}

}  // namespace
}  // namespace concur
