// End-to-end: concur run survives plugins that crash, hang, throw or desert their batch, and keeps every finished case through SIGINT, SIGTERM and --resume.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "cli_fixture.hpp"

namespace {

using concur_e2e::Cli;
using concur_e2e::Result;
using nlohmann::json;
namespace fs = std::filesystem;

// Eight cases: the broken strategy and threads, at 1 to 4 workers; the
// broken one fails badly at 3.
const char* wreck_suite = R"(name: wreck
repetitions: 2
workers: [1, 2, 3, 4]
workloads:
  - workload: loiter
    durations: [0, 1, 2]
    unit: 1ms
)";

// Each case's error message ("" when it passed), from the iteration runs.
std::map<std::string, std::string> case_errors(const json& doc) {
  std::map<std::string, std::string> errors;
  for (const json& b : doc.at("benchmarks")) {
    if (b.at("run_type") != "iteration") continue;
    const std::string name = b.at("run_name");
    const std::string c = name.substr(0, name.find("/iterations"));
    errors[c] = b.value("error_message", errors[c]);
  }
  return errors;
}

struct Wreck {
  const char* plugin;
  const char* reason;  // in the workers: 3 case's error
};

void PrintTo(const Wreck& w, std::ostream* os) { *os << w.plugin; }

class BrokenPlugin : public Cli, public ::testing::WithParamInterface<Wreck> {};

TEST_P(BrokenPlugin, RunKeepsEveryOtherCaseAndFailsTheBrokenOneWithItsReason) {
  const Wreck w = GetParam();
  write("wreck.yaml", wreck_suite);
  const Result r = concur(std::string("run wreck.yaml --plugin-dir ") + CONCUR_TEST_BAD_PLUGIN_DIR + "/" + w.plugin +
                          " --strategy " + w.plugin + ",threads --case-timeout 2s --out o.json");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::map<std::string, std::string> errors = case_errors(read_json("o.json"));
  EXPECT_EQ(errors.size(), 8u) << r.out;
  const std::string broken = std::string("loiter/") + w.plugin + "/workers:3";
  ASSERT_TRUE(errors.count(broken)) << r.out;
  EXPECT_NE(errors.at(broken).find(w.reason), std::string::npos) << errors.at(broken);
  // The deserter's stray thread may bring down whichever case its process runs next.
  if (std::string(w.plugin) != "deserter") {
    for (const std::string c : {"loiter/threads/workers:1", "loiter/threads/workers:2", "loiter/threads/workers:3",
                                "loiter/threads/workers:4"}) {
      EXPECT_EQ(errors.count(c) ? errors.at(c) : "missing", "") << c;
    }
    for (const char* workers : {"1", "2", "4"}) {
      const std::string c = std::string("loiter/") + w.plugin + "/workers:" + workers;
      EXPECT_EQ(errors.count(c) ? errors.at(c) : "missing", "") << c;
    }
  }
  EXPECT_EQ(left_behind(), "");
  EXPECT_FALSE(fs::exists(dir_ / "o.json.journal"));
}

TEST_P(BrokenPlugin, CheckPluginFailsTheChecksItBreaksAndReportsTheRest) {
  const Wreck w = GetParam();
  const Result r = concur(std::string("check-plugin ") + CONCUR_TEST_BAD_PLUGIN_DIR + "/" + w.plugin + "/" + w.plugin +
                          ".so --check-timeout 10s");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("limit-reached            FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("many-tasks               PASS"), std::string::npos) << r.out;  // the checks after it ran
  EXPECT_NE(r.out.find(std::string(w.plugin) + ": "), std::string::npos) << r.out;   // the summary line
  EXPECT_EQ(left_behind(), "");
}

INSTANTIATE_TEST_SUITE_P(Wrecks, BrokenPlugin,
                         ::testing::Values(Wreck{"crasher", "in case loiter/crasher/workers:3"},
                                           Wreck{"hanger", "exceeded the case time limit of 2s"},
                                           Wreck{"thrower", "in case loiter/thrower/workers:3"},
                                           Wreck{"threadthrower", "in case loiter/threadthrower/workers:3"},
                                           Wreck{"deserter", "3 of 3 tasks never ran"}),
                         [](const auto& info) { return std::string(info.param.plugin); });

// A plugin whose process never exits after its last case: the results are
// all in, so the run keeps them, kills the process and says so.
TEST_F(Cli, AChildThatNeverExitsIsKilledAndItsCasesKept) {
  write("wreck.yaml", wreck_suite);
  const Result r = concur(std::string("run wreck.yaml --plugin-dir ") + CONCUR_TEST_BAD_PLUGIN_DIR +
                          "/lingerer --strategy lingerer --case-timeout 2s --out o.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::map<std::string, std::string> errors = case_errors(read_json("o.json"));
  EXPECT_EQ(errors.size(), 4u) << r.out;
  for (const auto& [c, error] : errors) EXPECT_EQ(error, "") << c;
  EXPECT_NE(r.out.find("after its last case, the process running cases did not exit within 2s (killed)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(left_behind(), "");
}

TEST_F(Cli, CheckPluginFailsATeardownThatNeverEnds) {
  const Result r = concur(std::string("check-plugin ") + CONCUR_TEST_BAD_PLUGIN_DIR +
                          "/lingerer/lingerer.so --check-timeout 10s");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("teardown                 FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did not finish within 10s (killed)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lingerer: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAIL", r.out.find("teardown") + 30), std::string::npos) << r.out;  // nothing else failed
  EXPECT_EQ(left_behind(), "");
}

// Five cases of 600 ms or more each, so a signal after the first lands mid-run.
const char* slow_suite = R"(name: slow
repetitions: 2
strategies: [sequential, threads]
workers: [1, 2, 3, 4]
workloads:
  - workload: loiter
    durations: [3]
    unit: 100ms
)";

class Interrupt : public Cli {
 protected:
  // Starts concur on slow.yaml in the background, sends `signal` once the
  // journal holds a finished case (however slow a sanitizer build starts),
  // and waits for it.
  Result interrupted(const std::string& signal) {
    return sh(std::string("( '") + CONCUR_BINARY +
              "' run slow.yaml --out o.json & pid=$!; n=0; "
              "while [ \"$(cat o.json.journal 2>/dev/null | wc -l)\" -lt 2 ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done; "
              "kill -" + signal + " $pid; wait $pid )");
  }
};

TEST_F(Interrupt, SigintKeepsTheFinishedCasesAndResumeRunsEachOtherCaseOnce) {
  write("slow.yaml", slow_suite);
  const Result stopped = interrupted("INT");
  ASSERT_EQ(stopped.exit_code, 130) << stopped.out << stopped.err;
  EXPECT_NE(stopped.err.find("--resume o.json"), std::string::npos) << stopped.err;
  const json partial = read_json("o.json");
  const json& interruption = partial.at("context").at("interrupted");
  EXPECT_EQ(interruption.at("signal"), "SIGINT");
  const std::size_t done = case_errors(partial).size();
  EXPECT_GT(interruption.at("missing_cases").size(), 0u);
  EXPECT_EQ(done + interruption.at("missing_cases").size(), 5u);
  EXPECT_TRUE(fs::exists(dir_ / "o.json.journal"));

  const Result resumed = concur("run slow.yaml --resume o.json");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  const json whole = read_json("o.json");
  EXPECT_FALSE(whole.at("context").contains("interrupted"));
  std::map<std::string, int> iterations;
  for (const json& b : whole.at("benchmarks")) {
    if (b.at("run_type") == "iteration") ++iterations[b.at("run_name")];
  }
  EXPECT_EQ(iterations.size(), 5u);
  for (const auto& [name, n] : iterations) EXPECT_EQ(n, 2) << name;  // both repetitions, once
  EXPECT_FALSE(fs::exists(dir_ / "o.json.journal"));
  EXPECT_EQ(left_behind(), "");
}

TEST_F(Interrupt, SigtermExits143WithTheFinishedCasesWritten) {
  write("slow.yaml", slow_suite);
  const Result stopped = interrupted("TERM");
  ASSERT_EQ(stopped.exit_code, 143) << stopped.out << stopped.err;
  EXPECT_EQ(read_json("o.json").at("context").at("interrupted").at("signal"), "SIGTERM");
  EXPECT_EQ(left_behind(), "");
}

TEST_F(Interrupt, ResumeRefusesAJournalOfAnotherSuite) {
  write("slow.yaml", slow_suite);
  ASSERT_EQ(interrupted("INT").exit_code, 130);
  write("slow.yaml", std::string(slow_suite) + "seed: 7\n");
  const Result r = concur("run slow.yaml --resume o.json");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("concur: --resume o.json: written by a run with suite_sha256"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;  // one line
}

TEST_F(Cli, ResumeWithoutAJournalIsAUsageError) {
  write("done.json", "{}");
  write("slow.yaml", slow_suite);
  const Result r = concur("run slow.yaml --resume done.json");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no journal beside it"), std::string::npos) << r.err;
}

// A task timeout that the strategy cannot enforce is refused, not ignored.
TEST_F(Cli, ATimeoutAnInProcessStrategyCannotEnforceIsRefused) {
  write("t.yaml", "timeout: 1s\nstrategies: [fork, threads]\nworkloads:\n  - workload: loiter\n    durations: [0]\n");
  const Result refused = concur("run t.yaml --out o.json");
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("concur: t.yaml: timeout 1s: threads cannot stop a running task"), std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(dir_ / "o.json"));
  const Result isolated = concur("run t.yaml --strategy fork -r 1 --out o.json");
  EXPECT_EQ(isolated.exit_code, 0) << isolated.out << isolated.err;
}

// Past --memory-limit allocations fail in the child, which the case reports;
// the machine's OOM killer never gets involved.
TEST_F(Cli, MemoryLimitTurnsExhaustionIntoAFailedCase) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizers reserve terabytes of address space: no limit is set under them";
#endif
  write("big.yaml", "repetitions: 1\nstrategies: [sequential]\nworkloads:\n  - workload: rc4\n    jobs: 2\n    size: 200MiB\n");
  const Result r = concur("run big.yaml --memory-limit 500MiB --out o.json");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(case_errors(read_json("o.json"))["rc4/sequential/workers:1"].find("bad_alloc"), std::string::npos) << r.out;
}

TEST_F(Cli, ABadMemoryLimitIsAUsageError) {
  write("t.yaml", "workloads:\n  - workload: loiter\n    durations: [0]\n");
  const Result r = concur("run t.yaml --memory-limit lots --out o.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "concur: --memory-limit lots: expected a size like 4096, 256KiB or 1MiB, got \"lots\"\n");
}

}  // namespace
