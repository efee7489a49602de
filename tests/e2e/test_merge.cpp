// concur merge: two hand-written shard files into the file one run would have written, and each refusal (exit 2, no file).
#include "cli_fixture.hpp"

namespace concur_e2e {
namespace {

// Shard 1/2 and 2/2 of a suite planned as rc4/sequential/workers:1,
// rc4/threads/workers:1, rc4/threads/workers:2, dealt round robin.
constexpr const char* shard_a = R"({
  "context": {"date": "2026-11-27T10:00:00+00:00", "host_name": "node-a", "concur_version": "0.1.0",
              "concur_abi_version": 5, "shard": "1/2",
              "suite": {"name": "gate", "path": "gate.yaml", "sha256": "5e7"},
              "groups": [{"group": "rc4", "entry": "rc4", "workload": "rc4", "batch_tasks": 4, "params": {"size": 4096}}],
              "plugins": [{"name": "sequential", "sha256": "s1"}, {"name": "threads", "sha256": "t1"}],
              "plugin_files": [{"name": "sequential", "path": "/a/sequential.so", "sha256": "s1"},
                               {"name": "threads", "path": "/a/threads.so", "sha256": "t1"}]},
  "benchmarks": [
    {"name": "rc4/sequential/workers:1", "run_name": "rc4/sequential/workers:1", "family_index": 0,
     "group": "rc4", "entry": "rc4", "workload": "rc4", "strategy": "sequential", "workers": 1, "params": {},
     "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "real_time": 4.0, "cpu_time": 4.0, "time_unit": "ms"},
    {"name": "rc4/threads/workers:2", "run_name": "rc4/threads/workers:2", "family_index": 1,
     "group": "rc4", "entry": "rc4", "workload": "rc4", "strategy": "threads", "workers": 2, "params": {},
     "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "real_time": 2.0, "cpu_time": 4.0, "time_unit": "ms"}],
  "timelines": [{"name": "rc4/sequential/workers:1", "batch_tasks": 4, "tasks": []},
                {"name": "rc4/threads/workers:2", "batch_tasks": 4, "tasks": []}]
})";

constexpr const char* shard_b = R"({
  "context": {"date": "2026-11-27T10:00:05+00:00", "host_name": "node-b", "concur_version": "0.1.0",
              "concur_abi_version": 5, "shard": "2/2",
              "suite": {"name": "gate", "path": "gate.yaml", "sha256": "5e7"},
              "groups": [{"group": "rc4", "entry": "rc4", "workload": "rc4", "batch_tasks": 4, "params": {"size": 4096}}],
              "plugins": [{"name": "threads", "sha256": "t1"}],
              "plugin_files": [{"name": "sequential", "path": "/b/sequential.so", "sha256": "s1"},
                               {"name": "threads", "path": "/b/threads.so", "sha256": "t1"}]},
  "benchmarks": [
    {"name": "rc4/threads/workers:1", "run_name": "rc4/threads/workers:1", "family_index": 0,
     "group": "rc4", "entry": "rc4", "workload": "rc4", "strategy": "threads", "workers": 1, "params": {},
     "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "real_time": 4.1, "cpu_time": 4.1, "time_unit": "ms"}],
  "timelines": [{"name": "rc4/threads/workers:1", "batch_tasks": 4, "tasks": []}]
})";

constexpr const char* merged = R"({
  "context": {"date": "2026-11-27T10:00:00+00:00", "host_name": "node-a", "concur_version": "0.1.0",
              "concur_abi_version": 5,
              "suite": {"name": "gate", "path": "gate.yaml", "sha256": "5e7"},
              "groups": [{"group": "rc4", "entry": "rc4", "workload": "rc4", "batch_tasks": 4, "params": {"size": 4096}}],
              "plugins": [{"name": "sequential", "sha256": "s1"}, {"name": "threads", "sha256": "t1"}],
              "plugin_files": [{"name": "sequential", "path": "/a/sequential.so", "sha256": "s1"},
                               {"name": "threads", "path": "/a/threads.so", "sha256": "t1"},
                               {"name": "sequential", "path": "/b/sequential.so", "sha256": "s1"},
                               {"name": "threads", "path": "/b/threads.so", "sha256": "t1"}],
              "shards": [{"path": "A.json", "host_name": "node-a", "date": "2026-11-27T10:00:00+00:00", "shard": "1/2"},
                         {"path": "B.json", "host_name": "node-b", "date": "2026-11-27T10:00:05+00:00", "shard": "2/2"}]},
  "benchmarks": [
    {"name": "rc4/sequential/workers:1", "run_name": "rc4/sequential/workers:1", "family_index": 0,
     "group": "rc4", "entry": "rc4", "workload": "rc4", "strategy": "sequential", "workers": 1, "params": {},
     "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "real_time": 4.0, "cpu_time": 4.0, "time_unit": "ms"},
    {"name": "rc4/threads/workers:1", "run_name": "rc4/threads/workers:1", "family_index": 1,
     "group": "rc4", "entry": "rc4", "workload": "rc4", "strategy": "threads", "workers": 1, "params": {},
     "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "real_time": 4.1, "cpu_time": 4.1, "time_unit": "ms"},
    {"name": "rc4/threads/workers:2", "run_name": "rc4/threads/workers:2", "family_index": 2,
     "group": "rc4", "entry": "rc4", "workload": "rc4", "strategy": "threads", "workers": 2, "params": {},
     "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "real_time": 2.0, "cpu_time": 4.0, "time_unit": "ms"}],
  "timelines": [{"name": "rc4/sequential/workers:1", "batch_tasks": 4, "tasks": []},
                {"name": "rc4/threads/workers:2", "batch_tasks": 4, "tasks": []},
                {"name": "rc4/threads/workers:1", "batch_tasks": 4, "tasks": []}]
})";

// `text` with one JSON value replaced: "suite/sha256" is context.suite.sha256.
std::string with(const char* text, const std::string& pointer, const json& value) {
  json doc = json::parse(text);
  doc[json::json_pointer("/context/" + pointer)] = value;
  return doc.dump();
}

class Merge : public Cli {
 protected:
  // Refused: exit 2, the message alone on stderr, no ALL.json (an old one untouched).
  void expect_refused(const std::string& args, const std::string& message) {
    write("ALL.json", "old");
    const Result r = concur("merge " + args + " -o ALL.json");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "concur: " + message + "\n");
    EXPECT_EQ(slurp(dir_ / "ALL.json"), "old");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()),
              std::ptrdiff_t(5));  // A, B, ALL, stdout.txt, stderr.txt: no temporary left
  }
};

TEST_F(Merge, TwoShardsMakeTheFileOneRunWouldHaveWritten) {
  write("A.json", shard_a);
  write("B.json", shard_b);
  const Result r = concur("merge A.json B.json -o ALL.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "merged 2 files, 3 cases: ALL.json\n");
  EXPECT_EQ(read_json("ALL.json"), json::parse(merged));
}

TEST_F(Merge, OneFileIsItsOwnMerge) {
  write("A.json", shard_a);
  const Result r = concur("merge A.json --out ALL.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json expected = json::parse(shard_a);
  expected["context"].erase("shard");
  expected["context"]["shards"] = json::parse(R"([{"path": "A.json", "host_name": "node-a",
                                                   "date": "2026-11-27T10:00:00+00:00", "shard": "1/2"}])");
  EXPECT_EQ(read_json("ALL.json"), expected);
}

TEST_F(Merge, RefusesAFileThatIsNoResultsFile) {
  write("A.json", shard_a);
  write("B.json", R"({"context": {"date": "today"}, "benchmarks": []})");
  expect_refused("A.json B.json", "B.json: not a concur results file: no context.concur_version; expected the JSON "
                                  "file `concur run` writes");
  write("B.json", "not json");
  expect_refused("A.json B.json",
                 "B.json: not a concur results file: not valid JSON; expected the JSON file `concur run` writes");
}

TEST_F(Merge, RefusesShardsOfDifferentSuitesNamingBoth) {
  write("A.json", shard_a);
  write("B.json", with(shard_b, "suite/sha256", "0ther"));
  expect_refused("A.json B.json", "A.json and B.json are results of different suites (context.suite.sha256 5e7 and "
                                  "0ther); expected shards of one suite");
}

TEST_F(Merge, RefusesACaseInTwoFilesNamingItAndBoth) {
  write("A.json", shard_a);
  write("B.json", shard_a);
  expect_refused("A.json B.json",
                 "case rc4/sequential/workers:1 is in both A.json and B.json; expected each case in one shard");
}

TEST_F(Merge, RefusesAFileGivenTwice) {
  write("A.json", shard_a);
  write("B.json", shard_b);
  expect_refused("A.json B.json ./A.json", "./A.json: given twice (also as A.json); expected each shard's file once");
}

TEST_F(Merge, RefusesShardsOfDifferentConcurVersionsOrAbi) {
  write("A.json", shard_a);
  write("B.json", with(shard_b, "concur_version", "0.2.0"));
  expect_refused("A.json B.json", "A.json has context.concur_version \"0.1.0\", B.json has \"0.2.0\"; expected shards "
                                  "run by one concur version");
  write("B.json", with(shard_b, "concur_abi_version", 6));
  expect_refused("A.json B.json",
                 "A.json has context.concur_abi_version 5, B.json has 6; expected shards run by one concur ABI");
}

TEST_F(Merge, RefusesAMissingOrUnwritableOutput) {
  write("A.json", shard_a);
  Result r = concur("merge A.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "concur: --out is required (see concur --help)\n");
  r = concur("merge A.json -o nowhere/ALL.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "concur: -o nowhere/ALL.json: no folder nowhere; expected an existing folder\n");
  r = concur("merge A.json -o .");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "concur: -o .: is a folder; expected a file path\n");
  EXPECT_FALSE(fs::exists(dir_ / "nowhere"));
}

}  // namespace
}  // namespace concur_e2e
