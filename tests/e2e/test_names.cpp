// End-to-end: benchmark names are the cases whatever the run settings, carry their parts as fields, and shards split a run exactly.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "cli_fixture.hpp"

namespace {

using concur_e2e::Cli;
using concur_e2e::Result;
using nlohmann::json;

const char* swept_suite = R"(name: swept
strategies: [sequential, threads]
workers: [1, 2]
workloads:
  - workload: loiter
    durations: [0, 1]
    unit: 1ms
    matrix:
      repeat: [1, 2]
  - workload: rc4
    name: cipher
    threshold: 4%
    jobs: 2
    size: 1KiB
)";

// Each iteration benchmark's name, counted.
std::map<std::string, int> iteration_names(const json& doc) {
  std::map<std::string, int> names;
  for (const json& b : doc.at("benchmarks")) {
    if (b.at("run_type") == "iteration") ++names[b.at("name").get<std::string>()];
  }
  return names;
}

TEST_F(Cli, NamesAreTheCasesWhateverTheRepetitions) {
  write("s.yaml", swept_suite);
  const Result two = concur("run s.yaml -r 2 --out two.json");
  ASSERT_EQ(two.exit_code, 0) << two.out << two.err;
  const Result three = concur("run s.yaml -r 3 --startup timed --out three.json");
  ASSERT_EQ(three.exit_code, 0) << three.out << three.err;
  const json a = read_json("two.json"), b = read_json("three.json");

  std::set<std::string> names_a, names_b;
  for (const auto& [name, count] : iteration_names(a)) names_a.insert(name);
  for (const auto& [name, count] : iteration_names(b)) names_b.insert(name);
  EXPECT_EQ(names_a, names_b);
  EXPECT_EQ(names_a, (std::set<std::string>{
                         "cipher/sequential/workers:1", "cipher/threads/workers:1", "cipher/threads/workers:2",
                         "loiter/sequential/workers:1/repeat:1", "loiter/sequential/workers:1/repeat:2",
                         "loiter/threads/workers:1/repeat:1", "loiter/threads/workers:1/repeat:2",
                         "loiter/threads/workers:2/repeat:1", "loiter/threads/workers:2/repeat:2"}));

  for (const json& bench : a.at("benchmarks")) {
    const std::string name = bench.at("name");
    if (name != "loiter/threads/workers:2/repeat:2" && name != "loiter/threads/workers:2/repeat:2_median") continue;
    EXPECT_EQ(bench.at("run_name"), "loiter/threads/workers:2/repeat:2");
    EXPECT_EQ(bench.at("group"), "loiter/repeat:2");
    EXPECT_EQ(bench.at("entry"), "loiter");
    EXPECT_EQ(bench.at("workload"), "loiter");
    EXPECT_EQ(bench.at("strategy"), "threads");
    EXPECT_EQ(bench.at("workers"), 2);
    EXPECT_EQ(bench.at("params"), json({{"repeat", 2}}));
    EXPECT_FALSE(bench.contains("threshold"));
  }
  for (const json& bench : a.at("benchmarks")) {
    if (bench.at("entry") == "cipher") {
      EXPECT_DOUBLE_EQ(bench.at("threshold").get<double>(), 0.04);
    }
  }
  const json& groups = a.at("context").at("groups");
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[1].at("group"), "loiter/repeat:2");
  EXPECT_EQ(groups[1].at("batch_tasks"), 4);
  EXPECT_EQ(groups[1].at("params").at("durations"), json({0, 1}));
  EXPECT_EQ(groups[1].at("params").at("unit"), 1'000'000);
}

TEST_F(Cli, TwoShardsHoldEachCaseOfTheWholeRunOnce) {
  write("s.yaml", swept_suite);
  ASSERT_EQ(concur("run s.yaml -r 1 --out all.json").exit_code, 0);
  const Result one = concur("run s.yaml -r 1 --shard 1/2 --out one.json");
  ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
  const Result two = concur("run s.yaml -r 1 --shard 2/2 --out two.json");
  ASSERT_EQ(two.exit_code, 0) << two.out << two.err;
  std::map<std::string, int> shards = iteration_names(read_json("one.json"));
  for (const auto& [name, count] : iteration_names(read_json("two.json"))) shards[name] += count;
  EXPECT_EQ(shards, iteration_names(read_json("all.json")));
  EXPECT_EQ(read_json("one.json").at("context").at("shard"), "1/2");
  EXPECT_FALSE(read_json("all.json").at("context").contains("shard"));
}

TEST_F(Cli, SweepsAndRangesOnTheCommandLine) {
  write("s.yaml", swept_suite);
  const Result r = concur("run s.yaml -r 1 --strategy threads --workers 1..2 --set jobs=1,2 --filter cipher --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::set<std::string> names;
  for (const auto& [name, count] : iteration_names(read_json("o.json"))) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"cipher/threads/workers:1/jobs:1", "cipher/threads/workers:1/jobs:2",
                                          "cipher/threads/workers:2/jobs:1", "cipher/threads/workers:2/jobs:2"}));
  for (const auto& [args, message] : std::map<std::string, std::string>{
           {"--shard 3/2", "concur: --shard: '3/2' is no shard; expected I/N with 1 <= I <= N"},
           {"--workers 2..1", "concur: --workers: 2..1 is an empty range; expected its first value at most its last"},
           {"--workers 0..2", "concur: --workers: 0 is out of range; expected an integer from 1 to 100000"}}) {
    const Result bad = concur("run s.yaml --out x.json " + args);
    EXPECT_EQ(bad.exit_code, 2) << args;
    EXPECT_EQ(bad.err.substr(0, message.size()), message) << args;
  }
}

}  // namespace
