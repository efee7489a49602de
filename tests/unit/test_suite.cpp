// Tests of suite loading, validation messages, command-line overrides and "did you mean".
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "suite/suite.hpp"
#include "suite/suite_limits.hpp"
#include "suite/suite_params.hpp"
#include "util/units.hpp"

namespace concur {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::int64_t KiB = 1024;
constexpr std::int64_t MiB = 1024 * KiB;
constexpr std::int64_t GiB = 1024 * MiB;
constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t s = 1000 * ms;

const std::vector<std::string> known{"sequential", "threads", "tbb"};

std::string sha256_of(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

// Each test writes its suites into its own folder, removed afterwards.
class SuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("concur-test-suite-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    fs::create_directories(dir_);
    file_ = (dir_ / "suite.yaml").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // Raw strings start with a newline so the YAML lines up in the source; drop it
  // so line numbers in messages match what the test reads.
  static std::string strip(std::string text) {
    if (!text.empty() && text.front() == '\n') text.erase(0, 1);
    return text;
  }

  fs::path write(const std::string& text, const std::string& name = "suite.yaml") {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << strip(text);
    return path;
  }

  Suite load(const std::string& text) { return load_suite(write(text), known); }

  std::string error_of(const std::string& text) {
    try {
      load(text);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no ConfigError for:\n" << strip(text);
    return {};
  }

  // `rest` is everything after "FILE:".
  void expect_error(const std::string& text, const std::string& rest) {
    EXPECT_EQ(error_of(text), file_ + ":" + rest);
  }

  fs::path dir_;
  std::string file_;
};

// ---------------------------------------------------------------- valid suites

TEST_F(SuiteTest, FullSuiteParsesWithEveryValue) {
  const std::string text = R"(
name: quickstart
repetitions: 5
warmup: 1
interleave: true
startup: timed
seed: 7
strategies: all
workers: [1, 2]
options:
  timeout: 30s
  depth: 4
workloads:
  - workload: rc4
    jobs: 10
    size: 256KiB
  - workload: loiter
    durations: {range: 5}
    unit: 100ms
    workers: 3
    strategies: [threads, all]
  - workload: sha256
    size: 4096
    strategies: [sequential]
)";
  const Suite suite = load(text);
  EXPECT_EQ(suite.path, dir_ / "suite.yaml");
  EXPECT_EQ(suite.sha256, sha256_of(strip(text)));
  EXPECT_EQ(suite.name, "quickstart");
  EXPECT_EQ(suite.repetitions, 5u);
  EXPECT_EQ(suite.warmup, 1u);
  EXPECT_TRUE(suite.interleave);
  EXPECT_EQ(suite.startup, Startup::timed);
  EXPECT_EQ(suite.seed, 7u);
  // Kept as written, with their places, for the strategies of the run to check.
  ASSERT_EQ(suite.options.size(), 2u);
  EXPECT_EQ(suite.options.at("depth").value, "4");
  EXPECT_EQ(suite.options.at("depth").name_at.str(), file_ + ":11:3");
  EXPECT_EQ(suite.options.at("depth").value_at.str(), file_ + ":11:10");
  EXPECT_EQ(suite.options.at("timeout").value, "30s");
  EXPECT_EQ(suite.options.at("timeout").value_at.str(), file_ + ":10:12");
  ASSERT_EQ(suite.entries.size(), 3u);

  const WorkloadEntry& rc4 = suite.entries[0];
  EXPECT_EQ(rc4.workload, "rc4");
  EXPECT_EQ(rc4.params.integer("jobs"), 10);
  EXPECT_EQ(rc4.params.integer("size"), 256 * KiB);
  EXPECT_EQ(rc4.params.integer("spread"), 12);      // default
  EXPECT_EQ(rc4.params.text("key"), "concur");      // default
  EXPECT_EQ(rc4.params.all().size(), 4u);
  EXPECT_THAT(rc4.strategies, ElementsAre("all"));  // kept for the runner to expand
  EXPECT_THAT(rc4.workers, ElementsAre(1u, 2u));
  EXPECT_EQ(rc4.location.str(), file_ + ":13:5");

  const WorkloadEntry& loiter = suite.entries[1];
  EXPECT_EQ(loiter.workload, "loiter");
  EXPECT_THAT(loiter.params.list("durations"), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(loiter.params.integer("unit"), 100 * ms);
  EXPECT_EQ(loiter.params.integer("repeat"), 1);
  EXPECT_THAT(loiter.workers, ElementsAre(3u));
  EXPECT_THAT(loiter.strategies, ElementsAre("threads", "all"));
  EXPECT_EQ(loiter.location.line, 16);

  const WorkloadEntry& sha = suite.entries[2];
  EXPECT_EQ(sha.params.integer("size"), 4096);
  EXPECT_EQ(sha.params.integer("jobs"), 12);
  EXPECT_THAT(sha.strategies, ElementsAre("sequential"));
  EXPECT_THAT(sha.workers, ElementsAre(1u, 2u));
}

TEST_F(SuiteTest, DefaultsFillEverythingButWorkloads) {
  write("workloads: [{workload: sha256}, {workload: loiter}]\n", "my-suite.yaml");
  const Suite suite = load_suite(dir_ / "my-suite.yaml", known);
  EXPECT_EQ(suite.name, "my-suite");  // the file's stem
  EXPECT_EQ(suite.repetitions, 3u);
  EXPECT_EQ(suite.warmup, 0u);
  EXPECT_FALSE(suite.interleave);
  EXPECT_EQ(suite.startup, Startup::untimed);
  EXPECT_EQ(suite.seed, 42u);
  EXPECT_TRUE(suite.options.empty());
  ASSERT_EQ(suite.entries.size(), 2u);
  EXPECT_THAT(suite.entries[0].strategies, ElementsAre("all"));
  EXPECT_THAT(suite.entries[0].workers, ElementsAre(static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN))));
  EXPECT_EQ(suite.entries[0].params.integer("size"), MiB);
  EXPECT_EQ(suite.entries[0].params.integer("jobs"), 12);
  EXPECT_THAT(suite.entries[1].params.list("durations"), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(suite.entries[1].params.integer("unit"), s);
}

TEST_F(SuiteTest, EveryWayOfWritingAValue) {
  const Suite suite = load(R"(
seed: 18446744073709551615
strategies: threads
workers: 4
interleave: False
workloads:
  - workload: loiter
    durations: [3, 0, 86400]
    unit: 0
    repeat: 2
  - workload: loiter
    durations: {range: 0}
    unit: "1.5s"
  - workload: rc4
    size: 1MB
    key: 12345
    spread: 0
  - workload: sha256
    size: 0
    jobs: 0
)");
  EXPECT_EQ(suite.seed, UINT64_MAX);
  EXPECT_FALSE(suite.interleave);
  EXPECT_THAT(suite.entries[0].strategies, ElementsAre("threads"));
  EXPECT_THAT(suite.entries[0].workers, ElementsAre(4u));
  EXPECT_THAT(suite.entries[0].params.list("durations"), ElementsAre(3, 0, 86400));
  EXPECT_EQ(suite.entries[0].params.integer("unit"), 0);
  EXPECT_EQ(suite.entries[0].params.integer("repeat"), 2);
  EXPECT_TRUE(suite.entries[1].params.list("durations").empty());
  EXPECT_EQ(suite.entries[1].params.integer("unit"), 1500 * ms);
  EXPECT_EQ(suite.entries[2].params.integer("size"), 1'000'000);
  EXPECT_EQ(suite.entries[2].params.text("key"), "12345");  // any scalar is text
  EXPECT_EQ(suite.entries[2].params.integer("spread"), 0);
  EXPECT_EQ(suite.entries[3].params.integer("size"), 0);  // sha256 allows empty buffers, rc4 does not
  EXPECT_EQ(suite.entries[3].params.integer("jobs"), 0);
}

TEST_F(SuiteTest, SettingsMayFollowTheWorkloads) {
  const Suite suite = load(R"(
workloads:
  - workload: rc4
workers: [2, 8]
strategies: [tbb]
)");
  EXPECT_THAT(suite.entries[0].workers, ElementsAre(2u, 8u));
  EXPECT_THAT(suite.entries[0].strategies, ElementsAre("tbb"));
}

TEST(SuiteLocation, StrOmitsAnUnknownPosition) {
  EXPECT_EQ((SourceLocation{"a.yaml", 3, 7}.str()), "a.yaml:3:7");
  EXPECT_EQ((SourceLocation{"a.yaml", 0, 0}.str()), "a.yaml");
}

// ---------------------------------------------------------------- file-level errors

TEST_F(SuiteTest, UnreadableFile) {
  const fs::path missing = dir_ / "missing.yaml";
  try {
    load_suite(missing, known);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), missing.string() + ": cannot read: No such file or directory");
  }
  try {
    load_suite(dir_, known);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), dir_.string() + ": cannot read: Is a directory");
  }
}

TEST_F(SuiteTest, EmptyDocuments) {
  const std::string expected = "1:1: empty document; expected a map of suite settings with a 'workloads' list";
  expect_error("", expected);
  expect_error("# only a comment\n", expected);
  expect_error("---\n", expected);
  expect_error("~\n", expected);
}

TEST_F(SuiteTest, InvalidYamlReportsTheParserPosition) {
  expect_error(R"(
repetitions: 3
workloads: [{workload: rc4},
)",
               "3:1: invalid YAML: end of sequence flow not found");
  expect_error(R"(
workloads:
  - workload: rc4
   jobs: 3
)",
               "3:4: invalid YAML: end of sequence not found");
}

TEST_F(SuiteTest, SecondDocumentIsRejected) {
  expect_error(R"(
workloads: [{workload: rc4}]
---
workloads: [{workload: sha256}]
)",
               "3:1: a second YAML document; expected one suite per file");
}

// Found by fuzzing: yaml-cpp 0.7's LoadAll hands out empty documents forever,
// allocating each, at a token that cannot start a node (jbeder/yaml-cpp#1040).
TEST_F(SuiteTest, AStrayCommaIsInvalidYamlNotAnEndlessLoop) {
  expect_error(",", "1:1: invalid YAML: unexpected ','");
  expect_error("{workloads: [{workload: rc4}]}\n, x\n", "2:1: invalid YAML: unexpected ','");
  expect_error(R"(
workloads: [{workload: rc4}]
---
,
)",
               "3:1: a second YAML document; expected one suite per file");
}

TEST_F(SuiteTest, TopLevelMustBeAMap) {
  expect_error("- workload: rc4\n", "1:1: expected a map of suite settings with a 'workloads' list, got a list");
}

TEST_F(SuiteTest, MissingOrEmptyWorkloads) {
  expect_error("name: x\nrepetitions: 2\n", "1:1: missing key 'workloads'; expected a list of workloads to run");
  expect_error("name: x\nworkloads: []\n", "2:12: workloads: the list is empty; expected at least one workload");
  expect_error("workloads:\n", "1:1: workloads: expected a list of workloads, got nothing");
  expect_error("workloads: {workload: rc4}\n", "1:12: workloads: expected a list of workloads, got a map");
}

// ---------------------------------------------------------------- key errors

TEST_F(SuiteTest, UnknownTopLevelKeySuggestsTheNearest) {
  expect_error(R"(
workers: 2
workloads: [{workload: rc4}]
repetition: 3
)",
               "3:1: unknown key 'repetition'; did you mean 'repetitions'?");
  expect_error("workloads: [{workload: rc4}]\n  # note\ncolour: red\n",
               "3:1: unknown key 'colour'; expected one of name, repetitions, warmup, interleave, startup, seed, "
               "strategies, workers, options, timeout, case_timeout, workloads");
}

TEST_F(SuiteTest, UnknownEntryKeySuggestsAmongItsWorkloadsParameters) {
  expect_error(R"(
workloads:
  - workload: rc4
    sise: 1MiB
)",
               "3:5: workloads[0]: unknown key 'sise'; did you mean 'size'?");
  // `size` belongs to rc4 and sha256, not to loiter.
  expect_error(R"(
workloads:
  - workload: rc4
  - workload: loiter
    size: 1MiB
)",
               "4:5: workloads[1]: unknown key 'size'; expected one of workload, name, threshold, matrix, strategies, "
               "workers, durations, unit, repeat");
  expect_error(R"(
workloads:
  - workload: sha256
    worker: 2
)",
               "3:5: workloads[0]: unknown key 'worker'; did you mean 'workers'?");
}

TEST_F(SuiteTest, DuplicateKeys) {
  expect_error(R"(
repetitions: 2
workloads: [{workload: rc4}]
repetitions: 3
)",
               "3:1: duplicate key 'repetitions' (first on line 1); expected each key once");
  expect_error(R"(
workloads:
  - workload: rc4
    jobs: 1
    jobs: 2
)",
               "4:5: workloads[0]: duplicate key 'jobs' (first on line 3); expected each key once");
}

TEST_F(SuiteTest, KeysMustBeNames) {
  expect_error("workloads: [{workload: rc4}]\n[a, b]: 1\n", "2:1: expected a key name, got a list");
}

// ---------------------------------------------------------------- workload entries

TEST_F(SuiteTest, EntryMustBeAMapWithAKnownWorkload) {
  expect_error(R"(
workloads:
  - rc4
)",
               "2:5: workloads[0]: expected a map with a 'workload' key and its parameters, got \"rc4\"");
  expect_error(R"(
workloads:
  - workload: rc4
  - jobs: 3
    size: 1MiB
)",
               "3:5: workloads[1]: missing key 'workload'; expected one of rc4, sha256, loiter, fault, downloads");
  expect_error(R"(
workloads:
  - workload: rc5
)",
               "2:15: workloads[0].workload: unknown workload 'rc5'; did you mean 'rc4'?");
  expect_error(R"(
workloads:
  - workload: fibonacci
)",
               "2:15: workloads[0].workload: unknown workload 'fibonacci'; expected one of rc4, sha256, loiter, fault, downloads");
  expect_error(R"(
workloads:
  - workload: [rc4]
)",
               "2:15: workloads[0].workload: expected a workload name: one of rc4, sha256, loiter, fault, downloads, got a list");
}

TEST_F(SuiteTest, SizeErrors) {
  expect_error(R"(
workloads:
  - workload: rc4
    size: abc
)",
               "3:11: workloads[0].size: expected a size like 4096, 256KiB or 1MiB, got \"abc\"");
  expect_error(R"(
workloads:
  - workload: rc4
    size: 2GiB
)",
               "3:11: workloads[0].size: 2GiB is out of range; expected a size from 1 B to 1 GiB");
  expect_error(R"(
workloads:
  - workload: rc4
    size: 0
)",
               "3:11: workloads[0].size: 0 is out of range; expected a size from 1 B to 1 GiB");
  expect_error(R"(
workloads:
  - workload: sha256
    size: [1, 2]
)",
               "3:11: workloads[0].size: expected a size like 4096, 256KiB or 1MiB, got a list");
  // The wording after "expected" belongs to units.cpp; the position and key path belong here.
  const std::string negative = error_of("workloads:\n  - workload: rc4\n    size: -5\n");
  EXPECT_THAT(negative, StartsWith(file_ + ":3:11: workloads[0].size: expected a size"));
  EXPECT_THAT(negative, HasSubstr("negative"));
  const std::string huge = error_of("workloads:\n  - workload: rc4\n    size: 99999999999TiB\n");
  EXPECT_THAT(huge, StartsWith(file_ + ":3:11: workloads[0].size: expected a size"));
  EXPECT_THAT(huge, HasSubstr("too large"));
}

TEST_F(SuiteTest, DurationErrors) {
  expect_error(R"(
workloads:
  - workload: loiter
    unit: 2h
)",
               "3:11: workloads[0].unit: 2h is out of range; expected a duration from 0s to 1h");
  expect_error(R"(
workloads:
  - workload: loiter
    unit: {seconds: 1}
)",
               "3:11: workloads[0].unit: expected a duration like 100ms, 1.5s or 2m, got a map");
  const std::string bare = error_of("workloads:\n  - workload: loiter\n    unit: 5\n");
  EXPECT_THAT(bare, StartsWith(file_ + ":3:11: workloads[0].unit: expected a duration"));
  EXPECT_THAT(bare, HasSubstr("got \"5\""));
  const std::string word = error_of("workloads:\n  - workload: loiter\n    unit: abc\n");
  EXPECT_THAT(word, StartsWith(file_ + ":3:11: workloads[0].unit: expected a duration"));
  EXPECT_THAT(word, HasSubstr("got \"abc\""));
}

// Found by fuzzing: an alias repeated down the list of entries made a 3 KB
// suite allocate 600 MB (each copy of a {range: N} list is N numbers).
TEST_F(SuiteTest, TheEntriesListsHoldAMillionItemsInAll) {
  std::string text = "workloads:\n  - &day {workload: loiter, durations: {range: 86401}}\n";
  for (int i = 1; i < 11; ++i) text += "  - *day\n";
  ASSERT_EQ(load(text).entries.size(), 11u);  // 950411 items

  text += "  - *day\n";
  const std::string error = error_of(text);
  EXPECT_THAT(error, HasSubstr(": workloads[11]: the lists of the suite's entries hold 1036812 items in all; "
                               "expected at most 1000000"));
  EXPECT_THAT(error, StartsWith(file_ + ":"));
}

TEST_F(SuiteTest, IntegerListErrors) {
  expect_error(R"(
workloads:
  - workload: loiter
    durations: [1, 100000]
)",
               "3:20: workloads[0].durations[1]: 100000 is out of range; expected an integer from 0 to 86400");
  expect_error(R"(
workloads:
  - workload: loiter
    durations: [1, two]
)",
               "3:20: workloads[0].durations[1]: expected an integer from 0 to 86400, got \"two\"");
  expect_error(R"(
workloads:
  - workload: loiter
    durations: {range: 100000}
)",
               "3:24: workloads[0].durations.range: 100000 is out of range; expected an integer from 0 to 86401");
  expect_error(R"(
workloads:
  - workload: loiter
    durations: {range: 5, step: 2}
)",
               "3:27: workloads[0].durations: unknown key 'step'; expected one of range");
  expect_error(R"(
workloads:
  - workload: loiter
    durations: {}
)",
               "3:16: workloads[0].durations: missing key 'range'; expected a list of integers or {range: N}");
  expect_error(R"(
workloads:
  - workload: loiter
    durations: 5
)",
               "3:16: workloads[0].durations: expected a list of integers or {range: N}, got \"5\"");
}

TEST_F(SuiteTest, IntegerAndTextParameterErrors) {
  expect_error(R"(
workloads:
  - workload: rc4
    jobs: -1
)",
               "3:11: workloads[0].jobs: -1 is out of range; expected an integer from 0 to 1000000");
  expect_error(R"(
workloads:
  - workload: rc4
    jobs: 1.5
)",
               "3:11: workloads[0].jobs: expected an integer from 0 to 1000000, got \"1.5\"");
  expect_error(R"(
workloads:
  - workload: rc4
    jobs: "12"
)",
               "3:11: workloads[0].jobs: expected an integer from 0 to 1000000, got \"12\" (quoted, so text)");
  expect_error(R"(
workloads:
  - workload: rc4
    key: ""
)",
               "3:10: workloads[0].key: \"\" is 0 bytes long; expected text of 1 to 256 bytes");
  expect_error(R"(
workloads:
  - workload: rc4
    key: [a]
)",
               "3:10: workloads[0].key: expected text, got a list");
}

TEST_F(SuiteTest, DownloadsParametersAreReadAndChecked) {
  const Suite suite = load(R"(
workloads:
  - workload: downloads
    server: error
    codes: [cn, U]
  - workload: downloads
    codes: every
    server: http://127.0.0.1:8001/flags
)");
  EXPECT_EQ(suite.entries[0].params.text("server"), "error");
  EXPECT_EQ(suite.entries[0].params.words("codes"), (std::vector<std::string>{"cn", "U"}));
  EXPECT_EQ(suite.entries[1].params.words("codes"), (std::vector<std::string>{"every"}));
  EXPECT_EQ(suite.entries[1].params.integer("timeout"), 10'000'000'000);
  expect_error(R"(
workloads:
  - workload: downloads
    codes: [CN, A1]
)",
               "3:12: workloads[0].codes: 'A1' is no code; expected A to Z or AA to ZZ (or top20, all, every)");
  expect_error(R"(
workloads:
  - workload: downloads
    server: nowhere
)",
               "3:13: workloads[0].server: 'nowhere' is no server; expected local, delay, error or a URL such as "
               "http://127.0.0.1:8001/flags");
  expect_error(R"(
workloads:
  - workload: downloads
    codes: {a: 1}
)",
               "3:12: workloads[0].codes: expected a word or a list of words, got a map");
}

// ---------------------------------------------------------------- suite settings

TEST_F(SuiteTest, WorkersErrors) {
  expect_error("workers: 0\nworkloads: [{workload: rc4}]\n",
               "1:10: workers: 0 is out of range; expected an integer from 1 to 100000");
  expect_error("workers: [1, 0]\nworkloads: [{workload: rc4}]\n",
               "1:14: workers[1]: 0 is out of range; expected an integer from 1 to 100000");
  expect_error("workers: [1, 2, 1]\nworkloads: [{workload: rc4}]\n",
               "1:17: workers[2]: 1 is listed twice; expected each worker count once");
  expect_error("workers: []\nworkloads: [{workload: rc4}]\n",
               "1:10: workers: the list is empty; expected at least one worker count");
  expect_error("workers: {n: 2}\nworkloads: [{workload: rc4}]\n",
               "1:10: workers: expected an integer from 1 to 100000 or a list of them, got a map");
  expect_error(R"(
workloads:
  - workload: rc4
    workers: 0
)",
               "3:14: workloads[0].workers: 0 is out of range; expected an integer from 1 to 100000");
}

TEST_F(SuiteTest, StrategyErrors) {
  expect_error("strategies: [threads, thread]\nworkloads: [{workload: rc4}]\n",
               "1:23: strategies[1]: unknown strategy 'thread'; did you mean 'threads'?");
  expect_error(R"(
workloads:
  - workload: rc4
    strategies: fork
)",
               "3:17: workloads[0].strategies: unknown strategy 'fork'; expected one of all, sequential, threads, tbb");
  expect_error("strategies: [tbb, tbb]\nworkloads: [{workload: rc4}]\n",
               "1:19: strategies[1]: 'tbb' is listed twice; expected each strategy once");
  expect_error("strategies: []\nworkloads: [{workload: rc4}]\n",
               "1:13: strategies: the list is empty; expected \"all\" or a list of strategy names");
  expect_error("strategies: {a: 1}\nworkloads: [{workload: rc4}]\n",
               "1:13: strategies: expected \"all\" or a list of strategy names, got a map");
}

TEST_F(SuiteTest, ScalarSettingErrors) {
  const std::string w = "\nworkloads: [{workload: rc4}]\n";
  expect_error("repetitions: many" + w, "1:14: repetitions: expected an integer from 1 to 1000, got \"many\"");
  expect_error("repetitions: 0" + w, "1:14: repetitions: 0 is out of range; expected an integer from 1 to 1000");
  expect_error("repetitions: 99999999999999999999" + w,
               "1:14: repetitions: 99999999999999999999 is out of range; expected an integer from 1 to 1000");
  // An absent value is blamed on its key: yaml-cpp marks it at the next line.
  expect_error("repetitions:" + w, "1:1: repetitions: expected an integer from 1 to 1000, got nothing");
  expect_error("warmup: 101" + w, "1:9: warmup: 101 is out of range; expected an integer from 0 to 100");
  expect_error("seed: -1" + w, "1:7: seed: -1 is out of range; expected a non-negative integer");
  expect_error("seed: 18446744073709551616" + w,
               "1:7: seed: 18446744073709551616 is out of range; expected an integer from 0 to "
               "18446744073709551615");
  expect_error("interleave: yes" + w, "1:13: interleave: expected true or false, got \"yes\"");
  expect_error("startup: warm" + w, "1:10: startup: expected timed or untimed, got \"warm\"");
  expect_error("startup: [timed]" + w, "1:10: startup: expected timed or untimed, got a list");
  expect_error("interleave: \"true\"" + w,
               "1:13: interleave: expected true or false, got \"true\" (quoted, so text)");
  expect_error("name: [a]" + w, "1:7: name: expected a suite name, got a list");
  expect_error("name: ''" + w,
               "1:7: name: \"\" is no suite name; expected up to 100 letters, digits, '.', '_' and '-', other than . "
               "and ..");
  expect_error("options: [a]" + w, "1:10: options: expected a map of option names to values, got a list");
  expect_error("options:\n  timeout: {s: 30}" + w,
               "2:12: options.timeout: expected a value like 30s or 4, got a map");
}

TEST_F(SuiteTest, MessagesStayOnOneLine) {
  const std::string message = error_of("interleave: \"a\\nb\\tc\"\nworkloads: [{workload: rc4}]\n");
  EXPECT_EQ(message, file_ + ":1:13: interleave: expected true or false, got \"a\\nb\\tc\"");
  EXPECT_THAT(message, Not(HasSubstr("\n")));
  const std::string key = error_of("workloads: [{workload: rc4}]\n\"bad\\nkey\": 1\n");
  EXPECT_THAT(key, Not(HasSubstr("\n")));
  EXPECT_THAT(key, HasSubstr("unknown key 'bad\\nkey'"));
}

TEST_F(SuiteTest, SuiteNamesArePlainFileNameParts) {
  const std::string w = "\nworkloads: [{workload: rc4}]\n";
  const std::string expected =
      " is no suite name; expected up to 100 letters, digits, '.', '_' and '-', other than . and ..";
  expect_error("name: ../../x" + w, "1:7: name: \"../../x\"" + expected);
  expect_error("name: /abs" + w, "1:7: name: \"/abs\"" + expected);
  expect_error("name: \"a\\nb\"" + w, "1:7: name: \"a\\nb\"" + expected);
  expect_error("name: \"a\\0b\"" + w, "1:7: name: \"a\\x00b\"" + expected);
  expect_error("name: ." + w, "1:7: name: \".\"" + expected);
  expect_error("name: .." + w, "1:7: name: \"..\"" + expected);
  expect_error("name: " + std::string(101, 'x') + w,
               "1:7: name: \"" + std::string(60, 'x') + "...\"" + expected);
  EXPECT_EQ(load("name: " + std::string(100, 'x') + w).name, std::string(100, 'x'));
  EXPECT_EQ(load("name: My-suite_1.0" + w).name, "My-suite_1.0");
  // A file may be called anything: its stem becomes a name all the same.
  write("workloads: [{workload: rc4}]\n", "my suite\x01.yaml");
  EXPECT_EQ(load_suite(dir_ / "my suite\x01.yaml", known).name, "my_suite_");
}

// ---------------------------------------------------------------- limits

TEST_F(SuiteTest, TasksPerBatchAreLimited) {
  expect_error(R"(
workloads:
  - workload: loiter
    durations: {range: 1000}
    repeat: 1000000
)",
               "4:13: workloads[0].repeat: 1000000000 tasks in a batch; expected at most 1000000");
  expect_error(R"(
workloads:
  - workload: downloads
    codes: every
    repeat: 2000
)",
               "4:13: workloads[0].repeat: 1352000 tasks in a batch; expected at most 1000000");
  const Suite suite = load(R"(
workloads:
  - workload: loiter
    durations: {range: 1000}
    repeat: 1000
)");
  EXPECT_EQ(suite.entries[0].params.integer("repeat"), 1000);
}

TEST_F(SuiteTest, InputIsLimitedToHalfThePhysicalMemoryForAllEntriesTogether) {
  const std::uint64_t limit = max_input_bytes();
  EXPECT_EQ(limit, static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE) / 2);
  const std::string expected = "; expected at most " + format_size(limit) + " in all (half the physical memory)";
  expect_error(R"(
workloads:
  - workload: sha256
    jobs: 1000000
    size: 1GiB
)",
               "3:11: workloads[0].jobs: 976.56 TiB of input" + expected);
  // Each entry alone fits; the two do not, and the second is blamed (at the
  // entry, as its jobs are the default).
  const std::uint64_t mib_jobs = limit * 6 / 10 / MiB + 1;
  const std::string half = std::to_string(mib_jobs);
  expect_error("workloads:\n  - workload: sha256\n    jobs: " + half + "\n    size: 1MiB\n"
               "  - workload: rc4\n    size: 1MiB\n    spread: 0\n    jobs: " + half + "\n",
               "8:11: workloads[1].jobs: " + format_size(mib_jobs * MiB) + " of input, " +
                   format_size(2 * mib_jobs * MiB) + " with the entries before it" + expected);
}

TEST_F(SuiteTest, Rc4sLargestJobAfterSpreadIsLimited) {
  expect_error(R"(
workloads:
  - workload: rc4
    size: 1GiB
    spread: 1
    jobs: 8
)",
               "4:13: workloads[0].spread: spread 1 makes the largest job 9 GiB (size 1 GiB, 8 jobs); expected at "
               "most 1 GiB per job");
  // The default spread of 12 makes job 0 half as large again: blamed on the entry.
  expect_error(R"(
workloads:
  - workload: rc4
    size: 1GiB
)",
               "2:5: workloads[0].spread: spread 12 makes the largest job 1.5 GiB (size 1 GiB, 12 jobs); expected at "
               "most 1 GiB per job");
  EXPECT_EQ(load("workloads: [{workload: rc4, size: 1GiB, spread: 0, jobs: 2}]\n").entries[0].params.integer("size"),
            GiB);
}

TEST_F(SuiteTest, FaultTasksMustBeAmongTheJobs) {
  expect_error(R"(
workloads:
  - workload: fault
    jobs: 2
    crash_at: [1, 5]
)",
               "4:15: workloads[0].crash_at: task 5 is not among the 2 jobs; expected task numbers below jobs");
}

TEST_F(SuiteTest, ListsAreLimitedBeforeYamlCppBuildsThem) {
  std::string items;
  for (int i = 0; i < 100'001; ++i) items += "1,";
  expect_error("workloads:\n  - workload: loiter\n    durations: [" + items + "]\n",
               "3:200017: workloads[0].durations: a list of more than 100000 items; expected at most 100000");
  std::string keys;
  for (int i = 0; i < 100'001; ++i) keys.append("k").append(std::to_string(i)).append(": 1\n");
  EXPECT_THAT(error_of(keys), StartsWith(file_ + ":100001:1: a map of more than 100000 keys; expected at most 100000"));
  items.pop_back();  // 100000 items
  items.pop_back();
  const Suite longest = load("workloads:\n  - workload: loiter\n    durations: [" + items + "]\n");
  EXPECT_EQ(longest.entries[0].params.list("durations").size(), 100'000u);
}

TEST_F(SuiteTest, DeepNestingIsRefusedWithItsPosition) {
  const std::string expected = "nested deeper than 64 levels; expected at most 64";
  // yaml-cpp reads an unclosed '[' as a list and a map, and a '{' at the top
  // as a key too: the positions are those of its 65th collection.
  expect_error(std::string(10'000, '['), "1:33: " + expected);
  expect_error(std::string(100'000, '['), "1:33: " + expected);
  std::string maps;
  for (int i = 0; i < 10'000; ++i) maps += "{a: ";
  expect_error(maps, "1:253: " + expected);
  std::string dashes;
  for (int i = 0; i < 100'000; ++i) dashes += "- ";
  expect_error(dashes, "1:129: " + expected);
  // 64 levels are read: the suite, workloads, the entry and 61 lists.
  const std::string lists = "workloads:\n  - workload: loiter\n    durations: ";
  expect_error(lists + std::string(61, '[') + "1" + std::string(61, ']') + "\n",
               "3:17: workloads[0].durations[0]: expected an integer from 0 to 86400, got a list");
  expect_error(lists + std::string(62, '[') + "1" + std::string(62, ']') + "\n", "3:77: " + expected);
}

// ---------------------------------------------------------------- overrides

class SuiteOverrides : public SuiteTest {
 protected:
  void SetUp() override {
    SuiteTest::SetUp();
    suite_ = load(R"(
workloads:
  - workload: rc4
  - workload: loiter
  - workload: sha256
    jobs: 5
)");
  }

  std::string error_of_overrides(const Overrides& overrides) {
    try {
      apply_overrides(suite_, overrides, known);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no ConfigError";
    return {};
  }

  static Overrides set(const std::string& key, const std::string& value) {
    Overrides o;
    o.sets.emplace_back(key, value);
    return o;
  }

  Suite suite_;
};

TEST_F(SuiteOverrides, SetReplacesTheParameterInEveryEntryThatHasIt) {
  apply_overrides(suite_, set("jobs", "3"), known);
  EXPECT_EQ(suite_.entries[0].params.integer("jobs"), 3);
  EXPECT_FALSE(suite_.entries[1].params.has("jobs"));  // loiter has no jobs
  EXPECT_EQ(suite_.entries[2].params.integer("jobs"), 3);
}

TEST_F(SuiteOverrides, SetValuesAreYaml) {
  Overrides o;
  o.sets = {{"durations", "[1, 2]"}, {"unit", "100ms"}, {"size", "64KiB"}, {"key", "secret"}};
  apply_overrides(suite_, o, known);
  EXPECT_THAT(suite_.entries[1].params.list("durations"), ElementsAre(1, 2));
  EXPECT_EQ(suite_.entries[1].params.integer("unit"), 100 * ms);
  EXPECT_EQ(suite_.entries[0].params.integer("size"), 64 * KiB);
  EXPECT_EQ(suite_.entries[2].params.integer("size"), 64 * KiB);
  EXPECT_EQ(suite_.entries[0].params.text("key"), "secret");

  apply_overrides(suite_, set("durations", "{range: 3}"), known);
  EXPECT_THAT(suite_.entries[1].params.list("durations"), ElementsAre(0, 1, 2));
}

TEST_F(SuiteOverrides, SetKeepsTheEntriesListsToAMillionItemsInAll) {
  std::string text = "workloads:\n";
  for (int i = 0; i < 12; ++i) text += "  - workload: loiter\n";
  suite_ = load(text);
  apply_overrides(suite_, set("durations", "{range: 83333}"), known);  // 999996 items
  EXPECT_EQ(error_of_overrides(set("durations", "{range: 83334}")),
            "--set durations={range: 83334}: the lists of the suite's entries hold 1000008 items in all; "
            "expected at most 1000000");
  EXPECT_EQ(suite_.entries[0].params.list("durations").size(), 83333u);  // as it was
}

TEST_F(SuiteOverrides, StartupReplacesTheSuites) {
  Overrides o;
  o.startup = Startup::timed;
  apply_overrides(suite_, o, known);
  EXPECT_EQ(suite_.startup, Startup::timed);
  EXPECT_EQ(parse_startup("untimed"), Startup::untimed);
  EXPECT_EQ(parse_startup("Timed"), std::nullopt);
  EXPECT_STREQ(to_string(Startup::timed), "timed");
}

TEST_F(SuiteOverrides, LaterSetsWin) {
  Overrides o;
  o.sets = {{"jobs", "3"}, {"jobs", "4"}};
  apply_overrides(suite_, o, known);
  EXPECT_EQ(suite_.entries[0].params.integer("jobs"), 4);
}

TEST_F(SuiteOverrides, SetOfAnUnknownParameterFails) {
  EXPECT_EQ(error_of_overrides(set("nokey", "1")),
            "--set nokey=1: no workload in this suite has a parameter 'nokey'; "
            "parameters here: durations, jobs, key, repeat, size, spread, unit");
  EXPECT_EQ(error_of_overrides(set("workers", "4")),
            "--set workers=4: no workload in this suite has a parameter 'workers'; "
            "parameters here: durations, jobs, key, repeat, size, spread, unit");
  EXPECT_EQ(error_of_overrides(set("", "1")), "--set =1: empty parameter name; expected --set [entry.]key=value");
}

TEST_F(SuiteOverrides, SetOnlyListsParametersOfThisSuitesWorkloads) {
  suite_ = load("workloads: [{workload: loiter}]\n");
  EXPECT_EQ(error_of_overrides(set("size", "1MiB")),
            "--set size=1MiB: no workload in this suite has a parameter 'size'; "
            "parameters here: durations, repeat, unit");
}

TEST_F(SuiteOverrides, SetValueErrors) {
  const std::string unit = error_of_overrides(set("unit", "abc"));
  EXPECT_THAT(unit, StartsWith("--set unit=abc: unit: expected a duration"));
  EXPECT_THAT(unit, HasSubstr("got \"abc\""));
  // rc4 needs at least one byte; sha256 would have taken 0.
  EXPECT_EQ(error_of_overrides(set("size", "0")),
            "--set size=0: size: 0 is out of range; expected a size from 1 B to 1 GiB");
  EXPECT_EQ(error_of_overrides(set("durations", "[1, x]")),
            "--set durations=[1, x]: durations[1]: expected an integer from 0 to 86400, got \"x\"");
  EXPECT_EQ(error_of_overrides(set("durations", "[1,")),
            "--set durations=[1,: durations: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(error_of_overrides(set("jobs", "")),
            "--set jobs=: jobs: expected an integer from 0 to 1000000, got nothing");
}

TEST_F(SuiteOverrides, SetValuesAreHeldToTheSameLimits) {
  EXPECT_EQ(error_of_overrides(set("repeat", "1000000")),
            "--set repeat=1000000: workloads[1].repeat: 5000000 tasks in a batch; expected at most 1000000");
  // A parameter left at its default is blamed on its entry in the file.
  EXPECT_EQ(error_of_overrides(set("size", "1GiB")),
            file_ + ":2:5: workloads[0].spread: spread 12 makes the largest job 1.5 GiB (size 1 GiB, 12 jobs); "
                    "expected at most 1 GiB per job");
  EXPECT_EQ(error_of_overrides(set("durations", std::string(100, '['))),
            "--set durations=" + std::string(60, '[') + "...: nested deeper than 64 levels; expected at most 64");
  // Limits hold for the suite once every --set is in, not in between.
  Overrides o;
  o.sets = {{"repeat", "1000000"}, {"durations", "[1]"}};
  apply_overrides(suite_, o, known);
  EXPECT_EQ(suite_.entries[1].params.integer("repeat"), 1'000'000);
}

TEST_F(SuiteOverrides, WorkersStrategiesRepetitionsInterleaveReplace) {
  suite_ = load(R"(
repetitions: 2
workers: [1, 2]
workloads:
  - workload: rc4
  - workload: loiter
    workers: 3
    strategies: [sequential]
)");
  Overrides o;
  o.workers = std::vector<unsigned>{1, 4};
  o.strategies = std::vector<std::string>{"threads", "all"};
  o.repetitions = 7;
  o.interleave = true;
  apply_overrides(suite_, o, known);
  for (const auto& entry : suite_.entries) {
    EXPECT_THAT(entry.workers, ElementsAre(1u, 4u));
    EXPECT_THAT(entry.strategies, ElementsAre("threads", "all"));
  }
  EXPECT_EQ(suite_.repetitions, 7u);
  EXPECT_TRUE(suite_.interleave);
}

TEST_F(SuiteOverrides, BadWorkersStrategiesRepetitions) {
  Overrides o;
  o.workers = std::vector<unsigned>{2, 0};
  EXPECT_EQ(error_of_overrides(o), "--workers: 0 is out of range; expected an integer from 1 to 100000");
  o.workers = std::vector<unsigned>{100001};
  EXPECT_EQ(error_of_overrides(o), "--workers: 100001 is out of range; expected an integer from 1 to 100000");
  o.workers = std::vector<unsigned>{};
  EXPECT_EQ(error_of_overrides(o), "--workers: no worker count given; expected an integer from 1 to 100000");

  o = {};
  o.strategies = std::vector<std::string>{"thread"};
  EXPECT_EQ(error_of_overrides(o), "--strategy: unknown strategy 'thread'; did you mean 'threads'?");
  o.strategies = std::vector<std::string>{"uring"};
  EXPECT_EQ(error_of_overrides(o),
            "--strategy: unknown strategy 'uring'; expected one of all, sequential, threads, tbb");

  o = {};
  o.repetitions = 0;
  EXPECT_EQ(error_of_overrides(o), "--repetitions: 0 is out of range; expected an integer from 1 to 1000");
  o.repetitions = 1001;
  EXPECT_EQ(error_of_overrides(o), "--repetitions: 1001 is out of range; expected an integer from 1 to 1000");
}

TEST_F(SuiteOverrides, AFailedOverrideLeavesTheSuiteAlone) {
  const std::vector<unsigned> workers_before = suite_.entries[0].workers;
  Overrides o;
  o.workers = std::vector<unsigned>{workers_before.front() + 1};
  o.sets = {{"jobs", "7"}, {"unit", "abc"}};
  error_of_overrides(o);
  EXPECT_EQ(suite_.entries[0].workers, workers_before);
  EXPECT_EQ(suite_.entries[0].params.integer("jobs"), 12);
}

TEST(SuiteSetOption, SplitsAtTheFirstEquals) {
  EXPECT_EQ(parse_set_option("durations=[1,2]"), (std::pair<std::string, std::string>{"durations", "[1,2]"}));
  EXPECT_EQ(parse_set_option("key=a=b"), (std::pair<std::string, std::string>{"key", "a=b"}));
  EXPECT_EQ(parse_set_option("jobs="), (std::pair<std::string, std::string>{"jobs", ""}));
  try {
    parse_set_option("jobs");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "--set jobs: missing '='; expected --set key=value");
  }
  try {
    parse_set_option("=5");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "--set =5: empty parameter name; expected --set key=value");
  }
}

// ---------------------------------------------------------------- nearest

TEST(Nearest, SuggestsCloseWords) {
  const std::vector<std::string> keys{"name", "repetitions", "warmup", "workers", "workloads"};
  EXPECT_EQ(nearest("repetition", keys), "repetitions");
  EXPECT_EQ(nearest("reptitions", keys), "repetitions");
  EXPECT_EQ(nearest("workres", keys), "workers");   // a transposition is two edits
  EXPECT_EQ(nearest("Warmup", keys), "warmup");     // case is ignored
  EXPECT_EQ(nearest("rc5", {"rc4", "sha256", "loiter"}), "rc4");
  EXPECT_EQ(nearest("sz", {"size"}), "size");
}

TEST(Nearest, PicksTheClosestAndTheFirstOfATie) {
  EXPECT_EQ(nearest("worker", {"workloads", "workers"}), "workers");
  EXPECT_EQ(nearest("ab", {"abc", "abd"}), "abc");
}

TEST(Nearest, StaysSilentForUnrelatedWords) {
  EXPECT_EQ(nearest("fork", {"all", "sequential", "threads", "tbb"}), "");
  EXPECT_EQ(nearest("ab", {"cd"}), "");
  EXPECT_EQ(nearest("", {"a", "b"}), "");
  EXPECT_EQ(nearest("anything", {}), "");
  // Longer words tolerate more edits (a third of the word), short ones at most two.
  EXPECT_EQ(nearest("concurrencyxyz", {"concurrency"}), "concurrency");
  EXPECT_EQ(nearest("abcxyz", {"abc"}), "");
}

}  // namespace
}  // namespace concur

namespace concur {
namespace {

class SuiteTimeoutTest : public ::testing::Test {
 protected:
  std::string path_ = (std::filesystem::temp_directory_path() / ("concur-timeout-" + std::to_string(::getpid()) + ".yaml")).string();
  void TearDown() override { std::filesystem::remove(path_); }
  Suite load(const std::string& text) {
    std::ofstream(path_) << text;
    return load_suite(path_, {"threads"});
  }
};

TEST_F(SuiteTimeoutTest, TimeoutIsADurationDefaultingToNone) {
  EXPECT_EQ(load("workloads:\n  - workload: rc4\n").task_timeout.count(), 0);
  EXPECT_EQ(load("timeout: 1.5s\nworkloads:\n  - workload: rc4\n").task_timeout, std::chrono::milliseconds(1500));
  try {
    load("timeout: soon\nworkloads:\n  - workload: rc4\n");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":1:10: timeout: expected a duration"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace concur
