// End-to-end: the real concur binary runs small suites; exit codes, console output and the results JSON are checked.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_fixture.hpp"

namespace {

using concur_e2e::Cli;
using concur_e2e::Result;
using concur_e2e::slurp;
using nlohmann::json;
namespace fs = std::filesystem;

// The number `text` starts with, when `then` follows it ("3 errors." and " error": 3); -1 otherwise.
// (No std::regex: GCC 12 warns inside it when sanitizing, bug 105562, and it made this the costliest file to compile.)
int count_before(std::string_view text, std::string_view then) {
  const std::size_t digits = text.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string_view::npos || !text.substr(digits).starts_with(then)) return -1;
  return std::stoi(std::string(text.substr(0, digits)));
}

// "Elapsed time: 1.23s": seconds with two decimals.
bool is_elapsed_line(std::string_view line) {
  constexpr std::string_view head = "Elapsed time: ";
  if (!line.starts_with(head) || !line.ends_with("s")) return false;
  const std::string_view seconds = line.substr(head.size(), line.size() - head.size() - 1);
  const std::size_t point = seconds.find('.');
  return point != 0 && point != std::string_view::npos && seconds.size() == point + 3 &&
         seconds.find_first_not_of("0123456789", 0) == point &&
         seconds.find_first_not_of("0123456789", point + 1) == std::string_view::npos;
}

const char* tiny_suite = R"(name: tiny
repetitions: 2
strategies: [sequential, threads]
workers: [1, 2]
workloads:
  - workload: rc4
    jobs: 4
    size: 16KiB
  - workload: sha256
    jobs: 3
    size: 64KiB
  - workload: loiter
    durations: [0, 1, 2]
    unit: 10ms
)";

std::string tiny_suite_without_name() {
  const std::string text = tiny_suite;
  return text.substr(text.find('\n') + 1);
}

TEST_F(Cli, ListShowsBuiltPluginsAndWorkloads) {
  Result r = concur("list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sequential"), std::string::npos);
  EXPECT_NE(r.out.find("threads"), std::string::npos);
  EXPECT_NE(r.out.find("available"), std::string::npos);
  for (const char* w : {"rc4", "sha256", "loiter", "durations", "unit", "spread"}) {
    EXPECT_NE(r.out.find(w), std::string::npos) << w;
  }
}

TEST_F(Cli, RunWritesGoogleBenchmarkJson) {
  write("tiny.yaml", tiny_suite);
  fs::create_directories(dir_ / "out");
  Result r = concur("run tiny.yaml --out out/tiny.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The console table, with sequential collapsed to one worker count.
  EXPECT_NE(r.out.find("speedup"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rc4/threads/workers:2"), std::string::npos);
  EXPECT_EQ(r.out.find("sequential/workers:2"), std::string::npos);
  EXPECT_EQ(r.out.find("WARNING"), std::string::npos) << "Google Benchmark's debug-build warning leaked";

  json doc = read_json("out/tiny.json");
  const json& ctx = doc.at("context");
  for (const char* key : {"date", "host_name", "executable", "num_cpus", "mhz_per_cpu", "caches", "library_build_type",
                          "concur_version", "git_commit", "kernel", "online_cores", "io_uring", "concur_build_type"}) {
    EXPECT_TRUE(ctx.contains(key)) << key;
  }
  EXPECT_EQ(ctx.at("suite").at("path"), "tiny.yaml");
  EXPECT_EQ(ctx.at("suite").at("sha256").get<std::string>().size(), 64u);
  std::set<std::string> plugin_names;
  for (const json& p : ctx.at("plugins")) plugin_names.insert(p.at("name").get<std::string>());
  EXPECT_EQ(plugin_names, (std::set<std::string>{"sequential", "threads"}));
  // Every plugin file loaded, used or not, with its digest.
  EXPECT_GE(ctx.at("plugin_files").size(), 5u);
  for (const json& f : ctx.at("plugin_files")) EXPECT_EQ(f.at("sha256").get<std::string>().size(), 64u) << f;

  // 3 workloads x (sequential@1 + threads@1 + threads@2) = 9 cases; 2 repetitions + 4 aggregates each.
  const json& benchmarks = doc.at("benchmarks");
  std::set<std::string> cases;
  int iterations = 0, aggregates = 0;
  for (const json& b : benchmarks) {
    cases.insert(b.at("run_name").get<std::string>().substr(0, b.at("run_name").get<std::string>().find("/iter")));
    if (b.value("aggregate_unit", "time") == "time") {
      EXPECT_EQ(b.at("time_unit"), "ms");
    }
    EXPECT_FALSE(b.contains("error_occurred")) << b.dump();
    if (b.at("run_type") == "iteration") {
      ++iterations;
      EXPECT_EQ(b.at("iterations"), 1);
      EXPECT_GT(b.at("real_time").get<double>(), 0);
      EXPECT_EQ(b.at("ok"), b.at("tasks"));
      EXPECT_EQ(b.at("error"), 0);
      EXPECT_EQ(b.at("not_found"), 0);
      EXPECT_LE(b.at("peak_in_flight").get<double>(), b.at("workers").get<double>());
      EXPECT_TRUE(b.contains("speedup"));
    } else {
      ++aggregates;
    }
  }
  EXPECT_EQ(cases.size(), 9u);
  EXPECT_EQ(iterations, 18);
  EXPECT_EQ(aggregates, 9 * 4);

  for (const json& b : benchmarks) {
    const std::string name = b.at("name");
    if (b.at("run_type") != "iteration") continue;
    if (name.rfind("rc4/", 0) == 0) {
      EXPECT_EQ(b.at("tasks"), 4);
      EXPECT_GT(b.at("bytes"), 0);
    }
    if (name.rfind("loiter/", 0) == 0) {
      EXPECT_EQ(b.at("tasks"), 3);
    }
  }

  // The timeline of each case: every task once, with its worker.
  ASSERT_EQ(doc.at("timelines").size(), 9u);
  for (const json& t : doc.at("timelines")) {
    std::set<std::size_t> completions;
    for (const json& task : t.at("tasks")) {
      completions.insert(task.at("completion").get<std::size_t>());
      EXPECT_LE(task.at("start_ms").get<double>(), task.at("end_ms").get<double>());
    }
    EXPECT_EQ(completions.size(), t.at("tasks").size()) << t.at("name");
    EXPECT_EQ(t.at("batch_tasks"), t.at("tasks").size()) << t.at("name");
  }
}

TEST_F(Cli, CompareScriptAcceptsResults) {
  if (!fs::exists(CONCUR_COMPARE_PY)) GTEST_FAIL() << "libbenchmark-tools is missing (scripts/install-deps installs it)";
  write("tiny.yaml", tiny_suite);
  ASSERT_EQ(concur("run tiny.yaml --filter 'loiter|rc4/threads' --out a.json").exit_code, 0);
  ASSERT_EQ(concur("run tiny.yaml --filter 'loiter|rc4/threads' --out b.json").exit_code, 0);
  Result r = sh(std::string(CONCUR_SYSTEM_PYTHON) + " " + CONCUR_COMPARE_PY + " benchmarks a.json b.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("loiter/threads/workers:2"), std::string::npos) << r.out;
}

TEST_F(Cli, DefaultResultsPathIsUnderResults) {
  write("tiny.yaml", tiny_suite);
  ASSERT_EQ(concur("run tiny.yaml --filter loiter/sequential -r 1").exit_code, 0);
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "results")) {
    ++files;
    EXPECT_EQ(e.path().filename().string().rfind("tiny-", 0), 0u) << e.path();
    EXPECT_EQ(e.path().extension(), ".json");
    std::ifstream f(e.path());
    EXPECT_TRUE(json::accept(f)) << e.path();
  }
  EXPECT_EQ(files, 1);
}

TEST_F(Cli, LoiterVerboseShowsTimelineAndSubmissionOrder) {
  write("tiny.yaml", tiny_suite);
  Result r = concur("run tiny.yaml --filter loiter/threads --workers 3 --set unit=20ms --set durations=[3,1,2] -r 1 -v --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("loiter(3): doing nothing for 60ms..."), std::string::npos) << r.out;
  // loiter(1) finishes before loiter(3) started before it...
  const auto done1 = r.out.find("loiter(1): done."), done3 = r.out.find("loiter(3): done.");
  ASSERT_NE(done1, std::string::npos);
  ASSERT_NE(done3, std::string::npos);
  EXPECT_LT(done1, done3);
  // ...yet results come in submission order.
  const auto r0 = r.out.find("result 0: 30"), r1 = r.out.find("result 1: 10"), r2 = r.out.find("result 2: 20");
  ASSERT_NE(r0, std::string::npos) << r.out;
  ASSERT_NE(r1, std::string::npos);
  ASSERT_NE(r2, std::string::npos);
  EXPECT_LT(r0, r1);
  EXPECT_LT(r1, r2);
  json doc = read_json("o.json");
  EXPECT_EQ(doc.at("benchmarks").at(0).at("workers"), 3);
  EXPECT_EQ(doc.at("benchmarks").at(0).at("peak_in_flight"), 3);
}

TEST_F(Cli, BadSuiteIsOneLineExit2AndNoFile) {
  write("bad.yaml", "name: bad\nrepetition: 3\nworkloads:\n  - workload: rc4\n");
  Result r = concur("run bad.yaml --out out.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:2:1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("repetitions"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out.json"));
  EXPECT_FALSE(fs::exists(dir_ / "results"));
}

TEST_F(Cli, BadOverridesExit2) {
  write("tiny.yaml", tiny_suite);
  Result r = concur("run tiny.yaml --set nokey=1 --out o.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nokey"), std::string::npos) << r.err;
  EXPECT_EQ(concur("run tiny.yaml --strategy nosuch --out o.json").exit_code, 2);
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--workers 0", "--workers: 0 is out of range; expected an integer from 1 to 100000"},
           {"--workers 2,x", "--workers: expected an integer from 1 to 100000, got \"x\""},
           {"-r 1001", "--repetitions: 1001 is out of range; expected an integer from 1 to 1000"}}) {
    r = concur("run tiny.yaml --out o.json " + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err, "concur: " + message + " (see concur --help)\n") << args;
  }
  EXPECT_EQ(concur("run tiny.yaml --filter 'nomatch' --out o.json").exit_code, 2);
  EXPECT_EQ(concur("run missing.yaml --out o.json").exit_code, 2);
  EXPECT_EQ(concur("frobnicate").exit_code, 2);
  EXPECT_FALSE(fs::exists(dir_ / "o.json"));
}

TEST_F(Cli, CheckPluginPassesAGoodPlugin) {
  Result r = concur(std::string("check-plugin ") + CONCUR_TEST_PLUGIN_DIR + "/threads.so");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("limit-reached            PASS"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("threads: 9 checks passed, 0 failed, 2 skipped"), std::string::npos) << r.out;
}

TEST_F(Cli, CheckPluginReportsAPluginThatBreaksTheLimit) {
  Result r = concur(std::string("check-plugin ") + CONCUR_TEST_BAD_PLUGIN_DIR + "/greedy/greedy.so");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("limit-reached            FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-> 8 tasks were in flight at once; the limit is workers = 3"), std::string::npos) << r.out;
}

TEST_F(Cli, CheckPluginOnANonPluginIsAUsageError) {
  Result r = concur(std::string("check-plugin ") + CONCUR_TEST_BAD_PLUGIN_DIR + "/notalib.so");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("notalib.so: not a shared library"), std::string::npos) << r.err;
  EXPECT_EQ(concur("check-plugin /nonexistent.so").exit_code, 2);
}

TEST_F(Cli, RunWithABrokenPluginFolderStillRunsTheGoodOnes) {
  write("tiny.yaml", tiny_suite);
  Result r = concur(std::string("run tiny.yaml --plugin-dir ") + CONCUR_TEST_BAD_PLUGIN_DIR +
                    " --filter loiter/threads -r 1 --out o.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("oldabi.so: ABI version 999"), std::string::npos) << r.err;
}

TEST_F(Cli, ACaseThatBreaksTheLimitFailsTheRunWithExit1) {
  write("tiny.yaml", tiny_suite);
  Result r = concur(std::string("run tiny.yaml --plugin-dir ") + CONCUR_TEST_BAD_PLUGIN_DIR +
                    "/greedy --strategy greedy,threads --filter loiter -r 1 --out o.json");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("tasks were in flight at once; the limit is workers = 1"), std::string::npos) << r.out;
  json doc = read_json("o.json");  // the results are still written, with the failure in them
  bool failed_entry = false;
  for (const json& b : doc.at("benchmarks")) {
    if (b.at("name").get<std::string>().rfind("loiter/greedy/workers:1", 0) == 0 && b.value("error_occurred", false)) {
      failed_entry = true;
    }
  }
  EXPECT_TRUE(failed_entry);
}

TEST_F(Cli, ListShowsFiveStrategies) {
  Result r = concur("list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"sequential", "threads", "tbb", "fork", "uring"}) {
    EXPECT_NE(r.out.find(std::string("  ") + name + " "), std::string::npos) << name << "\n" << r.out;
  }
}

TEST_F(Cli, UnavailableUringIsListedWithItsReasonAndFailsItsCases) {
  const std::string env = "CONCUR_URING_FORCE_UNAVAILABLE='io_uring disabled for this test' ";
  Result list = sh(env + "'" + CONCUR_BINARY + "' list");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("unavailable: forced by CONCUR_URING_FORCE_UNAVAILABLE: io_uring disabled for this test"),
            std::string::npos)
      << list.out;

  write("tiny.yaml", tiny_suite);
  Result run = sh(env + "'" + CONCUR_BINARY + "' run tiny.yaml --strategy uring,threads --filter loiter -r 1 --out o.json");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("FAILED: uring is unavailable: forced by CONCUR_URING_FORCE_UNAVAILABLE"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("loiter/threads/workers:2"), std::string::npos) << "the other strategy still ran";

  // "all" means every available strategy: no uring case, and nothing fails.
  Result all = sh(env + "'" + CONCUR_BINARY + "' run tiny.yaml --strategy all --filter loiter -r 1 --out a.json");
  EXPECT_EQ(all.exit_code, 0) << all.out << all.err;
  EXPECT_EQ(all.out.find("loiter/uring"), std::string::npos) << all.out;
}

TEST_F(Cli, InterleavedRepetitionsAndWarmUpAreRecorded) {
  write("tiny.yaml", std::string(tiny_suite) + "warmup: 1\n");
  Result r = concur("run tiny.yaml --filter 'loiter|rc4/threads' --interleave -r 3 --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(+1 warm-up)"), std::string::npos) << r.out;
  json doc = read_json("o.json");
  EXPECT_EQ(doc.at("context").at("suite").at("interleave"), true);
  EXPECT_EQ(doc.at("context").at("suite").at("warmup"), 1);
  int iterations = 0;
  for (const json& b : doc.at("benchmarks")) iterations += b.at("run_type") == "iteration";
  EXPECT_EQ(iterations, 5 * 3);  // loiter x 3 cases + rc4/threads x 2 cases, 3 repetitions each
}

TEST_F(Cli, UnwritableOutputIsAUsageErrorBeforeAnythingRuns) {
  write("tiny.yaml", tiny_suite);
  fs::create_directories(dir_ / "adir");
  for (const auto& [out, message] : std::vector<std::pair<std::string, std::string>>{
           {"adir", "--out adir: is a folder; expected a file path"},
           {"''", "--out '': empty; expected a file name"},
           {"nowhere/o.json", "--out nowhere/o.json: no folder nowhere; expected an existing folder"},
           {"/sys/o.json", "--out /sys/o.json: cannot write in /sys: Permission denied"}}) {
    Result r = concur("run tiny.yaml --out " + out);
    EXPECT_EQ(r.exit_code, 2) << out;
    EXPECT_EQ(r.err, "concur: " + message + "\n") << out;
    EXPECT_EQ(r.out, "") << "nothing may run: " << r.out;
  }
  EXPECT_FALSE(fs::exists(dir_ / "nowhere")) << "--out never makes a folder";
}

// Limits are checked on the suite and the overrides, before any input is made.
TEST_F(Cli, ASuiteBeyondALimitIsOneLineExit2BeforeAnyInput) {
  write("big.yaml", "name: big\nworkloads:\n  - workload: loiter\n    durations: {range: 1000}\n    repeat: 1000000\n");
  write("huge.yaml", "name: huge\nworkloads:\n  - workload: sha256\n    jobs: 1000000\n    size: 1GiB\n");
  write("small.yaml", "name: small\nworkloads:\n  - workload: loiter\n    durations: {range: 1000}\n");
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"big.yaml", "big.yaml:5:13: workloads[0].repeat: 1000000000 tasks in a batch; expected at most 1000000"},
           {"small.yaml --set repeat=1000000",
            "--set repeat=1000000: workloads[0].repeat: 1000000000 tasks in a batch; expected at most 1000000"},
           {"huge.yaml", "huge.yaml:4:11: workloads[0].jobs: 976.56 TiB of input; expected at most "}}) {
    Result r = concur("run " + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err.rfind("concur: " + message, 0), 0u) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "") << "nothing may be made: " << r.out;
  }
  EXPECT_FALSE(fs::exists(dir_ / "results"));
}

// yaml-cpp recurses per level: concur refuses a deep file first, with where and why.
TEST_F(Cli, ADeeplyNestedSuiteIsOneLineExit2) {
  write("lists.yaml", std::string(100'000, '['));
  std::string maps = "name: deep\nworkloads: ";
  for (int i = 0; i < 10'000; ++i) maps += "{a: ";
  write("maps.yaml", maps);
  for (const auto& [file, message] : std::vector<std::pair<std::string, std::string>>{
           {"lists.yaml", "lists.yaml:1:33: nested deeper than 64 levels; expected at most 64"},
           {"maps.yaml", "maps.yaml:2:264: nested deeper than 64 levels; expected at most 64"}}) {
    Result r = concur("run " + file);
    EXPECT_EQ(r.exit_code, 2) << file;
    EXPECT_EQ(r.err, "concur: " + message + "\n") << file;
  }
}

// The memory for inputs is refused (here the inputs file may not grow): one
// line naming the entry, exit 2, where it was std::terminate's exit 134.
TEST_F(Cli, InputsThatCannotBeMadeAreOneLineExit2) {
  write("sha.yaml", "name: sha\nworkloads:\n  - workload: sha256\n    jobs: 4\n    size: 1MiB\n");
  Result r = sh(std::string("trap '' XFSZ; ulimit -f 64; '") + CONCUR_BINARY + "' run sha.yaml --out o.json");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err, "concur: sha.yaml:3:5: workloads[0]: sha256: cannot allocate 4 MiB of input: File too large\n");
  EXPECT_EQ(r.out.find("running"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "o.json"));
}

// A timeline keeps the first tasks of a large batch, and says how many it had.
TEST_F(Cli, TimelinesKeepTheirFirstTenThousandTasks) {
  write("many.yaml", "name: many\nrepetitions: 1\nstrategies: [sequential]\n"
                     "workloads: [{workload: loiter, durations: {range: 10001}, unit: 0s}]\n");
  Result r = concur("run many.yaml --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json timeline = read_json("o.json").at("timelines").at(0);
  EXPECT_EQ(timeline.at("batch_tasks"), 10'001);
  ASSERT_EQ(timeline.at("tasks").size(), 10'000u);
  EXPECT_EQ(timeline.at("tasks").back().at("index"), 9'999);
}

// Whatever the file is called, the default results file is a plain name in
// results/, and the path in the JSON has its control characters escaped.
TEST_F(Cli, AnyFileNameGivesAPlainResultsName) {
  write("a b\x01\x7f.yaml", tiny_suite_without_name());
  Result r = concur("run 'a b\x01\x7f.yaml' --filter loiter/sequential -r 1");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_ / "results")) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename().string().rfind("a_b__-", 0), 0u) << files[0];
  EXPECT_NE(slurp(files[0]).find(R"("path": "a b\u0001\u007f.yaml")"), std::string::npos);
}

// The timed region follows the suite's `startup` (or --startup): recorded in
// the context, and start-up measured for every strategy as startup_seconds.
TEST_F(Cli, StartupTimedOrUntimedIsRecordedWithStartupSecondsForEveryStrategy) {
  write("tiny.yaml", tiny_suite);
  for (const char* mode : {"timed", "untimed"}) {
    SCOPED_TRACE(mode);
    Result r = concur(std::string("run tiny.yaml --strategy all --filter sha256 -r 2 --startup ") + mode +
                      " --out o.json");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find(std::string("start-up ") + mode), std::string::npos) << r.out;
    json doc = read_json("o.json");
    EXPECT_EQ(doc.at("context").at("suite").at("startup"), mode);
    EXPECT_NE(doc.at("context").at("timing").at("startup").get<std::string>().find(mode), std::string::npos);
    std::set<std::string> strategies;
    for (const json& b : doc.at("benchmarks")) {
      if (b.at("run_type") != "iteration") continue;
      EXPECT_GE(b.at("startup_seconds").get<double>(), 0) << b.dump();
      const std::string name = b.at("name");
      strategies.insert(name.substr(7, name.find("/workers") - 7));  // "sha256/<strategy>/workers:..."
    }
    EXPECT_GE(strategies.size(), 4u);  // uring may be unavailable here
  }
  EXPECT_EQ(concur("run tiny.yaml --startup warm --out o.json").exit_code, 2);
}

// A plugin that hands in records it made up instead of running tasks fails
// its cases (exit 1) and check-plugin, with one line saying why.
TEST_F(Cli, CheatingPluginIsFailedByRunAndCheckPlugin) {
  const std::string dir = std::string(CONCUR_TEST_BAD_PLUGIN_DIR) + "/cheater";
  write("eight.yaml", "name: eight\nrepetitions: 1\nstrategies: [cheater]\nworkers: [1]\n"
                      "workloads: [{workload: loiter, durations: [5, 5, 5, 5, 5, 5, 5, 5], unit: 100ms}]\n");
  Result run = concur("run eight.yaml --plugin-dir " + dir + " --out o.json");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("FAILED: the strategy handed in a record that no TaskSource sealed (forged or altered) (and 8 more)"),
            std::string::npos)
      << run.out;
  Result check = concur("check-plugin " + dir + "/cheater.so");
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find("serialises               FAIL"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("-> the strategy handed in a record that no TaskSource sealed"), std::string::npos) << check.out;
}

// The example plugin built with _GLIBCXX_DEBUG: one line naming the file and
// both configurations; check-plugin exits 2, run and list go on without it.
TEST_F(Cli, DebugModePluginIsRefusedWithOneLine) {
  const std::string dir = std::string(CONCUR_TEST_BAD_PLUGIN_DIR) + "/debugmode";
  Result check = concur("check-plugin " + dir + "/waves.so");
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(std::count(check.err.begin(), check.err.end(), '\n'), 1) << check.err;
  EXPECT_NE(check.err.find("waves.so: built for libstdc++, debug mode (_GLIBCXX_DEBUG)"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("but this concur uses libstdc++ [sizes"), std::string::npos) << check.err;

  Result list = concur("list --plugin-dir " + dir);
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("  threads "), std::string::npos) << list.out;
  EXPECT_NE(list.err.find("debugmode/waves.so: built for libstdc++, debug mode"), std::string::npos) << list.err;

  write("tiny.yaml", tiny_suite);
  Result run = concur("run tiny.yaml --plugin-dir " + dir + " --filter loiter/threads -r 1 --out o.json");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("waves.so: built for libstdc++, debug mode"), std::string::npos) << run.err;
}

// A plugin in --plugin-dir that starts a thread when created cannot keep the
// fork server from starting: concur's own plugins load first.
TEST_F(Cli, APluginThatStartsAThreadDoesNotDisableFork) {
  write("tiny.yaml", tiny_suite);
  Result r = concur(std::string("run tiny.yaml --plugin-dir ") + CONCUR_TEST_BAD_PLUGIN_DIR +
                    "/threadstart --strategy threadstart,fork --filter loiter -r 1 --out o.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("FAILED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("loiter/fork/workers:2"), std::string::npos) << r.out;
}

// A strategy's own counters cannot overwrite the harness's figures.
TEST_F(Cli, StrategyCountersDoNotReplaceTheHarnesssFigures) {
  write("tiny.yaml", tiny_suite);
  Result r = concur(std::string("run tiny.yaml --plugin-dir ") + CONCUR_TEST_BAD_PLUGIN_DIR +
                    "/boastful --strategy boastful --filter loiter -r 2 --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  int iterations = 0;
  const json doc = read_json("o.json");
  for (const json& b : doc.at("benchmarks")) {
    if (b.at("run_type") != "iteration") continue;
    ++iterations;
    EXPECT_EQ(b.at("peak_in_flight"), 1) << b.dump();
    EXPECT_EQ(b.at("ok"), 3) << b.dump();
    EXPECT_GE(b.at("startup_seconds").get<double>(), 0) << b.dump();
    EXPECT_EQ(b.at("boasts"), 1) << b.dump();  // its own name is its own
  }
  EXPECT_EQ(iterations, 2);
}

// A plugin in --plugin-dir replaces a built-in of the same name, and says so.
TEST_F(Cli, APluginDirReplacesABuiltInOfTheSameName) {
  fs::create_directories(dir_ / "mine");
  fs::copy_file(fs::path(CONCUR_TEST_PLUGIN_DIR) / "threads.so", dir_ / "mine" / "threads.so");
  write("tiny.yaml", tiny_suite);
  Result r = concur("run tiny.yaml --plugin-dir mine --filter loiter/threads -r 1 --out o.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string mine = (fs::canonical(dir_ / "mine") / "threads.so").string();
  EXPECT_NE(r.err.find("threads.so: strategy 'threads' is replaced by " + mine + ", from a folder searched first"),
            std::string::npos)
      << r.err;
  json doc = read_json("o.json");
  ASSERT_EQ(doc.at("context").at("plugins").size(), 1u);
  EXPECT_EQ(doc.at("context").at("plugins")[0].at("path"), mine);
}

// The original flags2 output, against concur's own server started for the
// command when nothing answers on the label's port; the tally equals the
// server's count.
TEST_F(Cli, FlagsPrintsTheOriginalReportAndTheServersCount) {
  Result r = concur("flags -s ERROR -S threads -m 50 b c");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> expected_starts = {"ERROR site: http://127.0.0.1:", "Searching for 52 flags: from BA to CZ",
                                                    "50 concurrent connections will be used.", "--------------------"};
  for (const std::string& line : expected_starts) EXPECT_NE(r.out.find("\n" + line), std::string::npos) << line << "\n" << r.out;
  // The tally: "N flags downloaded.", "N not found.", "N errors.", "Elapsed time: S.SSs", then
  // "Server counted: N ok, N not found, N errors (faults: ...).".
  std::vector<std::string> lines;
  std::istringstream out(r.out);
  for (std::string line; std::getline(out, line);) lines.push_back(line);
  const auto tally =
      std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.ends_with(" downloaded."); });
  ASSERT_GE(lines.end() - tally, 5) << r.out;
  const int ok = count_before(tally[0], " flag"), not_found = count_before(tally[1], " not found."),
            errors = count_before(tally[2], " error");
  ASSERT_TRUE(ok >= 0 && not_found >= 0 && errors >= 0) << r.out;
  EXPECT_EQ(ok + not_found + errors, 52);
  EXPECT_TRUE(is_elapsed_line(tally[3])) << tally[3];
  constexpr std::string_view counted = "Server counted: ";
  ASSERT_TRUE(tally[4].starts_with(counted)) << tally[4];
  std::string_view server = std::string_view(tally[4]).substr(counted.size());
  EXPECT_EQ(count_before(server, " ok, "), ok) << tally[4];
  server.remove_prefix(std::min(server.size(), server.find(", ") + 2));
  EXPECT_EQ(count_before(server, " not found, "), not_found) << tally[4];
  server.remove_prefix(std::min(server.size(), server.find(", ") + 2));
  EXPECT_EQ(count_before(server, " error"), errors) << tally[4];
  EXPECT_NE(r.out.find("Nothing answers on 127.0.0.1:8003; started concur's error server."), std::string::npos) << r.out;

  Result few = concur("flags -s LOCAL -S sequential cn us in");
  ASSERT_EQ(few.exit_code, 0) << few.out << few.err;
  EXPECT_NE(few.out.find("Searching for 3 flags: CN IN US\n1 concurrent connection will be used.\n"), std::string::npos)
      << few.out;
  EXPECT_NE(few.out.find("3 flags downloaded.\n0 not found.\n0 errors.\n"), std::string::npos) << few.out;
}

TEST_F(Cli, FlagsUsageErrorsAreOneLineExit2) {
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"flags A1", "concur: flags: 'A1' is no code; expected A to Z or AA to ZZ (or top20, all, every)"},
           {"flags -m 0",
            "concur: --max-req: 0 is out of range; expected an integer from 1 to 100000 (see concur --help)"},
           {"flags -l 0", "concur: --limit: 0 is out of range; expected an integer from 1 to 676 (see concur --help)"},
           {"flags -s LOKAL", "concur: flags: --server 'LOKAL': expected LOCAL, DELAY, ERROR or a URL"},
           {"flags -S nosuch cn", "concur: flags: --strategy 'nosuch': no such strategy; loaded:"}}) {
    Result r = concur(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err.rfind(message, 0), 0u) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
    EXPECT_EQ(r.out.find("Searching"), std::string::npos) << args;
  }
}

TEST_F(Cli, FlagsExportWritesTheTreeAndManifest) {
  Result r = concur("flags export tree");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::is_regular_file(dir_ / "tree" / "flags" / "cn" / "cn.gif"));
  const json manifest = read_json("tree/flags/manifest.json");
  EXPECT_EQ(manifest.at("files").size(), 194u);
  EXPECT_EQ(manifest.at("files").at("cn/cn.gif").at("size"), fs::file_size(dir_ / "tree" / "flags" / "cn" / "cn.gif"));
}

// A suite naming an embedded profile gets concur's server, started untimed.
TEST_F(Cli, ASuiteNamingAProfileGetsTheEmbeddedServer) {
  write("dl.yaml", "name: dl\nrepetitions: 2\nstrategies: [sequential, threads]\nworkers: [1, 4]\n"
                   "workloads: [{workload: downloads, server: local, codes: [cn, us, zz]}]\n");
  Result r = concur("run dl.yaml --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("started the embedded local flag server at http://127.0.0.1:"), std::string::npos) << r.out;
  int iterations = 0;
  const json doc = read_json("o.json");
  for (const json& b : doc.at("benchmarks")) {
    if (b.at("run_type") != "iteration") continue;
    ++iterations;
    EXPECT_EQ(b.at("ok"), 2) << b.dump();
    EXPECT_EQ(b.at("not_found"), 1) << b.dump();
  }
  EXPECT_EQ(iterations, 6);  // sequential at 1, threads at 1 and 4: 2 repetitions each
}

TEST_F(Cli, HelpOnEveryCommand) {
  for (const char* args : {"--help", "run --help", "list --help", "check-plugin --help", "flags --help", "serve --help",
                           "flags export --help"}) {
    Result r = concur(args);
    EXPECT_EQ(r.exit_code, 0) << args;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << args << r.out;
  }
}

}  // namespace
