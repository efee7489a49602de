// Tests of matrix sweeps, entry names and thresholds, --set sweeps, ranges and shards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <fstream>
#include <string>
#include <vector>

#include "run/case_plan.hpp"
#include "suite/suite.hpp"
#include "suite/suite_params.hpp"
#include "suite/sweeps.hpp"

namespace concur {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> known{"sequential", "threads"};

class Sweeps : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concur-test-sweeps-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Suite load(const std::string& text) {
    std::ofstream(dir_ / "s.yaml") << text;
    return load_suite(dir_ / "s.yaml", known);
  }
  std::string error_of(const std::string& text, const Overrides& overrides = {}) {
    try {
      Suite suite = load(text);
      apply_overrides(suite, overrides, known);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }
  static std::vector<std::string> groups(const Suite& suite) {
    std::vector<std::string> names;
    for (const WorkloadEntry& e : suite.entries) names.push_back(group_name(e));
    return names;
  }

  fs::path dir_;
};

TEST_F(Sweeps, AMatrixExpandsToItsProductFirstKeyOutermost) {
  const Suite suite = load(R"(workloads:
  - workload: rc4
    matrix:
      size: [1KiB, 4KiB]
      jobs: 1..3
)");
  EXPECT_THAT(groups(suite), ElementsAre("rc4/size:1024/jobs:1", "rc4/size:1024/jobs:2", "rc4/size:1024/jobs:3",
                                         "rc4/size:4096/jobs:1", "rc4/size:4096/jobs:2", "rc4/size:4096/jobs:3"));
  EXPECT_EQ(suite.entries[4].params.integer("size"), 4096);
  EXPECT_EQ(suite.entries[4].params.integer("jobs"), 2);
  EXPECT_EQ(suite.written.size(), 1u);
}

TEST_F(Sweeps, UnnamedEntriesOfOneWorkloadAreNumberedAndNamedOnesKeepTheirName) {
  const Suite suite = load(R"(workloads:
  - workload: rc4
  - workload: rc4
    name: big
    threshold: 3%
  - workload: rc4
)");
  EXPECT_THAT(groups(suite), ElementsAre("rc4", "big", "rc4#2"));
  ASSERT_TRUE(suite.entries[1].threshold.has_value());
  EXPECT_DOUBLE_EQ(*suite.entries[1].threshold, 0.03);
  EXPECT_FALSE(suite.entries[0].threshold.has_value());
}

TEST_F(Sweeps, CaseNamesCarryTheSweptParametersAfterWorkers) {
  Suite suite = load(R"(strategies: [sequential]
workers: 1
workloads:
  - workload: sha256
    name: hash
    matrix: {size: [64, 128]}
)");
  PluginSet none;
  const std::vector<Case> cases = plan_cases(suite, none, "");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].name, "hash/sequential/workers:1/size:64");
  EXPECT_EQ(cases[0].group, "hash/size:64");
  EXPECT_EQ(cases[1].name, "hash/sequential/workers:1/size:128");
}

TEST_F(Sweeps, BadMatricesAndNamesSayWhere) {
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    matrix: {sizes: [1]}\n"),
              HasSubstr("3:14: workloads[0].matrix: unknown key 'sizes'; did you mean 'size'?"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    size: 1KiB\n    matrix: {size: [1, 2]}\n"),
              HasSubstr("workloads[0].size: 'size' is also swept by the entry's matrix"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    matrix: {size: 1..4}\n"),
              HasSubstr("a range is for integer parameters"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    matrix: {jobs: [2, 2]}\n"),
              HasSubstr("2 is listed twice"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    matrix: {jobs: []}\n"),
              HasSubstr("expected a non-empty list of values, or a range such as 1..4"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    matrix: {jobs: -9223372036854775808..9223372036854775807}\n"),
              HasSubstr("a range of more than 10000 values"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    matrix: {jobs: 1..5000, size: [1, 2, 3]}\n"),
              HasSubstr("more than 10000 parameter sets"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    name: a/b\n"), HasSubstr("is no entry name"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    name: x\n  - workload: sha256\n    name: x\n"),
              HasSubstr("'x' is the name of an entry before it"));
  EXPECT_THAT(error_of("workloads:\n  - workload: rc4\n    threshold: 0\n"),
              HasSubstr("expected a percentage above 0 and at most 100, such as 3%"));
}

TEST_F(Sweeps, SetWithSeveralValuesSweepsAndOneValueEndsASweep) {
  const std::string text = "workloads:\n  - workload: rc4\n    matrix: {jobs: [1, 2]}\n  - workload: loiter\n";
  Suite suite = load(text);
  Overrides o;
  o.sets = {{"size", "1KiB,2KiB"}};
  apply_overrides(suite, o, known);
  EXPECT_THAT(groups(suite), ElementsAre("rc4/jobs:1/size:1024", "rc4/jobs:1/size:2048", "rc4/jobs:2/size:1024",
                                         "rc4/jobs:2/size:2048", "loiter"));
  o.sets = {{"jobs", "3"}};
  apply_overrides(suite, o, known);
  EXPECT_THAT(groups(suite), ElementsAre("rc4/size:1024", "rc4/size:2048", "loiter"));
  o.sets = {{"jobs", "2..3"}, {"durations", "[1, 2]"}};  // a list in brackets is one value
  apply_overrides(suite, o, known);
  EXPECT_THAT(groups(suite), ElementsAre("rc4/size:1024/jobs:2", "rc4/size:1024/jobs:3", "rc4/size:2048/jobs:2",
                                         "rc4/size:2048/jobs:3", "loiter"));
  Overrides twice;
  twice.sets = {{"jobs", "1,1"}};
  EXPECT_THAT(error_of(text, twice), HasSubstr("--set jobs=1,1: jobs: 1 is listed twice"));
}

TEST_F(Sweeps, SetScopedToAnEntryChangesOnlyThatEntry) {
  const std::string text = "workloads:\n  - workload: rc4\n    name: big\n  - workload: rc4\n  - workload: sha256\n";
  Suite suite = load(text);
  Overrides o;
  o.sets = {{"big.size", "3KiB"}, {"sha256.jobs", "5"}};
  apply_overrides(suite, o, known);
  EXPECT_EQ(suite.entries[0].params.integer("size"), 3072);
  EXPECT_NE(suite.entries[1].params.integer("size"), 3072);
  EXPECT_NE(suite.entries[2].params.integer("size"), 3072);
  EXPECT_EQ(suite.entries[2].params.integer("jobs"), 5);
  EXPECT_NE(suite.entries[1].params.integer("jobs"), 5);
  Overrides bad;
  bad.sets = {{"small.size", "1"}};
  EXPECT_THAT(error_of(text, bad), HasSubstr("no entry is named 'small'; entries here: big, rc4, sha256"));
  bad.sets = {{"big.durations", "[1]"}};
  EXPECT_THAT(error_of(text, bad), HasSubstr("no workload in this suite has a parameter 'durations'"));
}

TEST_F(Sweeps, WorkerRangesInTheSuite) {
  const Suite suite = load("workers: 2..4\nworkloads:\n  - workload: rc4\n");
  EXPECT_THAT(suite.entries[0].workers, ElementsAre(2u, 3u, 4u));
  EXPECT_THAT(error_of("workers: 0..2\nworkloads:\n  - workload: rc4\n"), HasSubstr("0..2 is out of range"));
}

TEST(SplitSweep, CommasInsideBracketsAndQuotesDoNotSplit) {
  EXPECT_THAT(split_sweep("1,2"), ElementsAre("1", "2"));
  EXPECT_THAT(split_sweep("[1, 2]"), ElementsAre("[1, 2]"));
  EXPECT_THAT(split_sweep("[1, 2],[3]"), ElementsAre("[1, 2]", "[3]"));
  EXPECT_THAT(split_sweep("'a,b',c"), ElementsAre("'a,b'", "c"));
  EXPECT_EQ(suite_params::parse_range("1..4"), (std::pair<std::int64_t, std::int64_t>{1, 4}));
  EXPECT_FALSE(suite_params::parse_range("4..1"));
  EXPECT_FALSE(suite_params::parse_range("3"));
  EXPECT_FALSE(suite_params::parse_range("1..x"));
}

TEST(ShardCases, EveryCaseLandsInExactlyOneShard) {
  std::vector<Case> cases(11);
  for (std::size_t i = 0; i < cases.size(); ++i) cases[i].name = "c" + std::to_string(i);
  for (unsigned n : {1u, 2u, 3u, 11u, 12u}) {
    std::multiset<std::string> seen;
    for (unsigned i = 1; i <= n; ++i) {
      for (const Case& c : shard_cases(cases, Shard{i, n})) seen.insert(c.name);
    }
    ASSERT_EQ(seen.size(), cases.size()) << n;
    for (const Case& c : cases) EXPECT_EQ(seen.count(c.name), 1u) << c.name << " in " << n << " shards";
  }
  EXPECT_FALSE(parse_shard("0/2"));
  EXPECT_FALSE(parse_shard("3/2"));
  EXPECT_FALSE(parse_shard("1"));
  EXPECT_EQ(parse_shard("2/3")->index, 2u);
}

}  // namespace
}  // namespace concur
