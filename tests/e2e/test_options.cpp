// End-to-end: strategy options as declared by plugins: listed, checked before any case runs (exit 2), read with their defaults.
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
namespace fs = std::filesystem;

const std::string optioned_dir = std::string(CONCUR_TEST_BAD_PLUGIN_DIR) + "/optioned";

// A suite of one quick loiter entry with `options` (YAML lines, each
// indented by two) on lines 6 onwards; none when empty.
std::string suite(const std::string& strategies, const std::string& options) {
  return "name: opts\nrepetitions: 1\nstrategies: [" + strategies + "]\nworkers: [1]\n" +
         (options.empty() ? "" : "options:\n" + options) +
         "workloads:\n  - workload: loiter\n    durations: [0, 1]\n    unit: 1ms\n";
}

// A configuration error: exit 2, `message` as the only line on stderr, nothing written.
void expect_config_error(const Result& r, const std::string& message, const fs::path& dir) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err, "concur: " + message + "\n");
  EXPECT_FALSE(fs::exists(dir / "o.json"));
  EXPECT_FALSE(fs::exists(dir / "results"));
}

// The counters of the run's first iteration of strategy `name`.
json first_iteration(const json& doc, const std::string& name) {
  for (const json& b : doc.at("benchmarks")) {
    if (b.at("run_type") == "iteration" && b.at("name").get<std::string>().find("/" + name + "/") != std::string::npos) {
      return b;
    }
  }
  return json();
}

TEST_F(Cli, ListShowsEachStrategysOptions) {
  Result r = concur("list --plugin-dir " + optioned_dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The default is the machine's core count: the line is checked around it.
  const std::size_t offload = r.out.find("\n      option offload_threads integer  default ");
  ASSERT_NE(offload, std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" helper threads that run CPU work, one per online core by default (an integer from 1 to 100000)\n",
                       offload),
            std::string::npos)
      << r.out;
  for (const char* line : {"      option level           integer  default 3        how hard to try (an integer from 1 to 10)\n",
                           "      option loud            boolean  default false    whether to shout (true or false)\n",
                           "      option mode            choice   default slow     the pace (one of slow, fast)\n",
                           "      option label           text     default none     a name for the run (text)\n"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << r.out;
  }
}

TEST_F(Cli, AnUnknownOptionIsOneLineWithDidYouMeanAndExit2) {
  write("opts.yaml", suite("sequential, uring", "  ofload_threads: 4\n"));
  expect_config_error(concur("run opts.yaml --out o.json"),
                      "opts.yaml:6:3: options: unknown option 'ofload_threads'; did you mean 'offload_threads'?", dir_);
}

TEST_F(Cli, AnOptionOfAStrategyTheRunLeavesOutIsUnknown) {
  write("opts.yaml", suite("sequential, uring", "  offload_threads: 2\n"));
  expect_config_error(concur("run opts.yaml --strategy sequential --out o.json"),
                      "opts.yaml:6:3: options: unknown option 'offload_threads' for this run's strategies "
                      "(sequential); it is an option of uring",
                      dir_);
}

TEST_F(Cli, ABadValueIsRefusedBeforeAnyCaseRuns) {
  write("opts.yaml", suite("sequential, uring", "  offload_threads: -3\n"));
  expect_config_error(concur("run opts.yaml --out o.json"),
                      "opts.yaml:6:20: options.offload_threads: expected an integer from 1 to 100000, got \"-3\" "
                      "(option of uring)",
                      dir_);
  write("opts.yaml", suite("optioned", "  mode: medium\n"));
  expect_config_error(concur("run opts.yaml --plugin-dir " + optioned_dir + " --out o.json"),
                      "opts.yaml:6:9: options.mode: expected one of slow, fast, got \"medium\" (option of optioned)",
                      dir_);
}

TEST_F(Cli, APluginReadsItsDefaultsWhenTheSuiteSetsNothing) {
  write("opts.yaml", suite("optioned", ""));
  Result r = concur("run opts.yaml --plugin-dir " + optioned_dir + " --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json b = first_iteration(read_json("o.json"), "optioned");
  EXPECT_EQ(b.at("level"), 3) << b.dump();
  EXPECT_EQ(b.at("loud"), 0) << b.dump();
  EXPECT_EQ(b.at("fast"), 0) << b.dump();
  EXPECT_EQ(b.at("label_bytes"), 4) << b.dump();  // "none"
}

// Strategies that do not declare an option ignore it.
TEST_F(Cli, APluginReadsTheSuitesValues) {
  write("opts.yaml", suite("optioned, sequential", "  level: 7\n  loud: true\n  mode: fast\n  label: hello\n"));
  Result r = concur("run opts.yaml --plugin-dir " + optioned_dir + " --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json doc = read_json("o.json");
  const json b = first_iteration(doc, "optioned");
  EXPECT_EQ(b.at("level"), 7) << b.dump();
  EXPECT_EQ(b.at("loud"), 1) << b.dump();
  EXPECT_EQ(b.at("fast"), 1) << b.dump();
  EXPECT_EQ(b.at("label_bytes"), 5) << b.dump();
  EXPECT_FALSE(first_iteration(doc, "sequential").is_null());
}

}  // namespace
