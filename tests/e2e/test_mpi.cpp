// End-to-end: the mpi strategy from the concur command: unavailable without mpirun, a bad mpirun option, flags downloaded by ranks.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_fixture.hpp"

namespace {

using concur_e2e::Cli;
using concur_e2e::Result;
using nlohmann::json;
namespace fs = std::filesystem;

// One quick loiter case run by mpi alone, with `options` (YAML lines indented by two).
std::string mpi_suite(const std::string& options = "") {
  return "name: mpi\nrepetitions: 1\nstrategies: [mpi]\nworkers: [2]\n" + (options.empty() ? "" : "options:\n" + options) +
         "workloads:\n  - workload: loiter\n    durations: [0, 1]\n    unit: 10ms\n";
}

// The iterations of the results, each checked to be mpi's (no other strategy stood in).
std::vector<json> mpi_iterations(const json& doc) {
  std::vector<json> found;
  for (const json& b : doc.at("benchmarks")) {
    if (b.at("run_type") != "iteration") continue;
    EXPECT_EQ(b.at("strategy"), "mpi") << b.dump();
    found.push_back(b);
  }
  return found;
}

// A PATH without mpirun: the strategy is listed as unavailable with the
// reason, and a suite of mpi alone fails its case with it rather than
// running anything else. concur is started by its absolute path.
TEST_F(Cli, MpiWithoutMpirunOnPathIsUnavailable) {
  fs::create_directories(dir_ / "empty-path");
  const std::string env = "env PATH='" + (dir_ / "empty-path").string() + "' ";
  const std::string reason = "no mpirun on PATH (install Open MPI: ";

  Result list = sh(env + "'" + CONCUR_BINARY + "' list");
  ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
  const std::size_t line = list.out.find("\n  mpi ");
  ASSERT_NE(line, std::string::npos) << list.out;
  const std::string mpi_lines = list.out.substr(line + 1, list.out.find("\n  sequential ") - line);
  EXPECT_NE(mpi_lines.find(" unavailable "), std::string::npos) << mpi_lines;
  EXPECT_NE(mpi_lines.find("unavailable: " + reason), std::string::npos) << mpi_lines;

  write("mpi.yaml", mpi_suite());
  Result run = sh(env + "'" + CONCUR_BINARY + "' run mpi.yaml --out o.json");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("loiter/mpi/workers:2"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("FAILED: mpi is unavailable: " + reason), std::string::npos) << run.out;
  const json doc = read_json("o.json");
  const std::vector<json> iterations = mpi_iterations(doc);
  ASSERT_EQ(iterations.size(), 1u) << doc.at("benchmarks").dump();
  EXPECT_EQ(iterations[0].at("error_occurred"), true);
  EXPECT_EQ(iterations[0].at("error_message").get<std::string>().rfind("mpi is unavailable: " + reason, 0), 0u)
      << iterations[0].dump();
}

// An mpirun that cannot start jobs (here a script that says why and exits 1):
// `concur list` makes a trial launch and shows its words as the reason; a run
// does not make the trial, and its case fails with mpirun's words instead.
TEST_F(Cli, MpiWithABrokenMpirunIsUnavailableInListAndFailsItsCase) {
  const fs::path bin = dir_ / "bin";
  fs::create_directories(bin);
  write("bin/mpirun", "#!/bin/sh\necho 'no network interfaces found' >&2\nexit 1\n");
  fs::permissions(bin / "mpirun", fs::perms::owner_all);
  const std::string env = "env PATH='" + bin.string() + ":/usr/bin:/bin' ";

  Result list = sh(env + "'" + CONCUR_BINARY + "' list");
  ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
  EXPECT_NE(list.out.find("unavailable: a trial launch of " + (bin / "mpirun").string() +
                          " exited with status 1: no network interfaces found"),
            std::string::npos)
      << list.out;

  write("mpi.yaml", mpi_suite());
  Result run = sh(env + "'" + CONCUR_BINARY + "' run mpi.yaml --out o.json");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const std::vector<json> iterations = mpi_iterations(read_json("o.json"));
  ASSERT_EQ(iterations.size(), 1u);
  EXPECT_NE(iterations[0].at("error_message").get<std::string>().find("no network interfaces found"), std::string::npos)
      << iterations[0].dump();
}

// An mpirun option naming no file fails the case at start, not the run, and
// does not fall back to the mpirun on PATH.
TEST_F(Cli, MpiWithAMissingMpirunFailsTheCase) {
  write("mpi.yaml", mpi_suite("  mpirun: /nonexistent/mpirun\n"));
  Result run = concur("run mpi.yaml --out o.json");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const json doc = read_json("o.json");
  const std::vector<json> iterations = mpi_iterations(doc);
  ASSERT_EQ(iterations.size(), 1u) << doc.at("benchmarks").dump();
  EXPECT_EQ(iterations[0].at("error_occurred"), true);
  const std::string message = iterations[0].at("error_message");
  EXPECT_EQ(message, "start: option mpirun: /nonexistent/mpirun is not an executable file");
  EXPECT_NE(run.out.find("FAILED: " + message), std::string::npos) << run.out;
}

// The tally `concur flags` prints: "N flags downloaded.", "N not found.",
// "N errors.", "Elapsed time: ...", then what concur's server counted.
struct Tally {
  int ok = -1, not_found = -1, errors = -1;
  int counted_ok = -2, counted_not_found = -2, counted_errors = -2;
};

// The number a whole line is, followed by one of `suffixes` ("3 errors."); -1 for any other line.
int count_line(const std::string& line, std::initializer_list<std::string_view> suffixes) {
  for (const std::string_view suffix : suffixes) {
    if (!line.ends_with(suffix)) continue;
    const std::string digits = line.substr(0, line.size() - suffix.size());
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) return std::stoi(digits);
  }
  return -1;
}

Tally read_tally(const std::string& out) {
  Tally t;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (const int n = count_line(line, {" flags downloaded.", " flag downloaded."}); n >= 0) t.ok = n;
    if (const int n = count_line(line, {" not found."}); n >= 0) t.not_found = n;
    if (const int n = count_line(line, {" errors.", " error."}); n >= 0) t.errors = n;
    std::sscanf(line.c_str(), "Server counted: %d ok, %d not found, %d error", &t.counted_ok, &t.counted_not_found,
                &t.counted_errors);
  }
  return t;
}

// Twenty flags downloaded by five worker ranks from concur's own server (few
// ranks: each starts Open MPI, slow in a sanitizer build).
TEST_F(Cli, MpiRanksDownloadTwentyFlags) {
  Result r = concur("flags -S mpi -m 5");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Searching for 20 flags: from BD to VN\n5 concurrent connections will be used.\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("20 flags downloaded.\n0 not found.\n0 errors.\n"), std::string::npos) << r.out;
  const Tally t = read_tally(r.out);
  EXPECT_EQ(t.counted_ok, 20) << r.out;
  EXPECT_EQ(t.counted_not_found, 0) << r.out;
  EXPECT_EQ(t.counted_errors, 0) << r.out;
}

// The first 200 codes of AA..ZZ against the error server (500s and delays
// injected) by eight ranks: what the ranks tallied is what the server
// counted, as for threads.
TEST_F(Cli, MpiFlagsTallyEqualsTheErrorServersCount) {
  Result r = concur("flags -S mpi -m 8 -e -l 200 -s ERROR");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Nothing answers on 127.0.0.1:8003; started concur's error server."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Searching for 200 flags: from AA to HR\n8 concurrent connections will be used.\n"),
            std::string::npos)
      << r.out;
  const Tally t = read_tally(r.out);
  ASSERT_TRUE(t.ok >= 0 && t.not_found >= 0 && t.errors >= 0) << r.out;
  EXPECT_EQ(t.ok + t.not_found + t.errors, 200) << r.out;
  EXPECT_GT(t.errors, 0) << "the error server fails a quarter of the requests\n" << r.out;
  EXPECT_GT(t.not_found, 0) << "most codes AA..ZZ are no country\n" << r.out;
  EXPECT_EQ(t.counted_ok, t.ok) << r.out;
  EXPECT_EQ(t.counted_not_found, t.not_found) << r.out;
  EXPECT_EQ(t.counted_errors, t.errors) << r.out;
}

}  // namespace
