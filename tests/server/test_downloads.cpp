// The downloads workload against concur's flag server: each outcome class, the tally checked against the server's count, saving, keep-alive.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <curl/curl.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "host/host_services.hpp"
#include "run/batch_run.hpp"
#include "running_server.hpp"
#include "util/blocking_io.hpp"

namespace concur_server_test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

concur::BuiltEntry downloads(const std::string& url, std::vector<std::string> codes,
                             std::chrono::nanoseconds timeout = 10s, const std::string& save = "") {
  concur::WorkloadEntry e;
  e.workload = "downloads";
  for (const concur::ParamSpec& spec : concur::find_workload_type("downloads")->params) e.params.set(spec.name, spec.default_value);
  e.params.set("server", url);
  e.params.set("codes", std::move(codes));
  e.params.set("timeout", std::int64_t{timeout.count()});
  e.params.set("save", save);
  return concur::build_entry(e, 1);
}

// Runs every task in order on one blocking Io: a strategy reduced to its
// simplest, so the tests look at the workload and the server only.
class InOrder final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "in-order"; }
  std::string_view version() const noexcept override { return "0"; }
  std::string_view description() const noexcept override { return "test"; }
  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    const std::unique_ptr<concur::Io> io = batch.blocking_io();
    for (std::size_t i = 0; i < batch.size(); ++i) batch.task(i, *io, 0).start();
    return {};
  }
};

struct Ran {
  concur::BatchSummary summary;
  std::vector<concur::TaskRecord> records;
};

Ran run(const concur::BuiltEntry& entry) {
  InOrder strategy;
  concur::BatchRun batch(entry, false, nullptr);
  const concur::RunReport report = batch.run(strategy, {});
  return {batch.check(1, report), batch.records()};
}

std::string problems(const Ran& ran) {
  std::string text;
  for (const std::string& p : ran.summary.problems) text += p + "\n";
  return text;
}

class Downloads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  static void TearDownTestSuite() { curl_global_cleanup(); }
};

TEST_F(Downloads, FlagsAreOkAndCheckedUnknownCodesNotFound) {
  RunningServer server;
  const Ran ran = run(downloads(server.server().url(), {"cn", "US", "zz", "b"}));
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.records.size(), 29u);  // BA..BZ, CN, US, ZZ
  EXPECT_EQ(ran.summary.ok + ran.summary.not_found, 29u);
  EXPECT_EQ(ran.summary.error, 0u);
  EXPECT_GT(ran.summary.ok, 2u);  // CN, US and the B countries
  EXPECT_EQ(ran.records.back().outcome.message, "HTTP 404");  // ZZ
}

// A proxy in the environment would stand between the benchmark and the
// server it names (here: a port where nothing listens, so every request
// would fail through it).
TEST_F(Downloads, AProxyInTheEnvironmentIsNotUsed) {
  RunningServer server;
  struct ProxyVariables {
    ProxyVariables() {
      for (const char* name : names) ::setenv(name, "http://127.0.0.1:9", 1);
    }
    ~ProxyVariables() {
      for (const char* name : names) ::unsetenv(name);
    }
    const char* names[3] = {"http_proxy", "HTTPS_PROXY", "ALL_PROXY"};
  } proxy;
  const Ran ran = run(downloads(server.server().url(), {"cn", "zz"}));
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.ok, 1u);
  EXPECT_EQ(ran.summary.not_found, 1u);
}

// Each failing fault, forced for every request, is an error saying what
// happened; delayed and slow responses still arrive whole; the tally always
// equals the server's own count.
TEST_F(Downloads, EveryFaultIsAnErrorOfItsKindAndCountedAlike) {
  struct Case {
    concur::FaultKind fault;
    concur::Status status;
    std::string message;  // how the error starts
  };
  const std::vector<Case> cases = {
      {concur::FaultKind::error, concur::Status::error, "HTTP 50"},
      {concur::FaultKind::blackout, concur::Status::error, "closed without replying"},
      {concur::FaultKind::reset, concur::Status::error, "connection broken"},
      {concur::FaultKind::hang, concur::Status::error, "timed out"},
      {concur::FaultKind::truncate, concur::Status::error, "truncated"},
      {concur::FaultKind::malformed, concur::Status::error, "HTTP 50"},
      {concur::FaultKind::delay, concur::Status::ok, ""},
      {concur::FaultKind::slow, concur::Status::ok, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(concur::fault_name(c.fault)));
    concur::FlagServerOptions options;
    options.faults[c.fault] = 1;
    options.faults.delay = 50ms;
    options.faults.slow = 100ms;
    RunningServer server(options);
    const Ran ran = run(downloads(server.server().url(), {"cn", "fr", "de"}, 500ms));
    EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);  // the tally equals the server's count
    for (const concur::TaskRecord& r : ran.records) {
      EXPECT_EQ(r.outcome.status, c.status) << r.outcome.message;
      if (!c.message.empty()) {
        EXPECT_THAT(r.outcome.message, StartsWith(c.message));
      }
    }
    EXPECT_EQ(server.stats().fault(c.fault), 3u);
  }
}

// Half the requests closed without a reply, on kept-alive connections:
// libcurl resends some of them, which the server counts as more failed
// requests; the answers still match exactly and the batch passes.
TEST_F(Downloads, ResentRequestsAreAllowedForButAnswersMustMatch) {
  concur::FlagServerOptions options;
  options.faults[concur::FaultKind::blackout] = 0.5;
  RunningServer server(options);
  const Ran ran = run(downloads(server.server().url(), {"all"}));
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  EXPECT_EQ(ran.summary.ok + ran.summary.error, 194u);
  EXPECT_GE(server.stats().error, ran.summary.error);
  EXPECT_EQ(server.stats().ok, ran.summary.ok);
}

// A client that gives up before a slow response arrives counts an error the
// server counted as a success: the batch check says so.
TEST_F(Downloads, ATallyThatDisagreesWithTheServerFailsTheBatch) {
  concur::FlagServerOptions options;
  options.faults[concur::FaultKind::slow] = 1;
  options.faults.slow = 2s;
  RunningServer server(options);
  const Ran ran = run(downloads(server.server().url(), {"cn"}, 200ms));
  EXPECT_EQ(ran.summary.error, 1u);
  EXPECT_THAT(problems(ran), HasSubstr("the server answered 1 ok, 0 not found and 0 with a failing fault; the "
                                        "client counted 0, 0 and 1"));
}

TEST_F(Downloads, SavedFilesAreTheServersBytesUnderLowerCaseNames) {
  RunningServer server;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("concur-save-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const Ran ran = run(downloads(server.server().url(), {"CN", "br", "zz"}, 10s, dir.string()));
  EXPECT_TRUE(ran.summary.problems.empty()) << problems(ran);
  std::vector<std::string> names;
  for (const auto& f : std::filesystem::directory_iterator(dir)) names.push_back(f.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"br.gif", "cn.gif"}));  // no file for a 404
  std::ifstream in(dir / "cn.gif", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const concur::FlagFile* cn = server.flags().find("CN");
  ASSERT_NE(cn, nullptr);
  EXPECT_EQ(bytes, std::string(cn->bytes.begin(), cn->bytes.end()));
  std::filesystem::remove_all(dir);
}

// One blocking Io per worker keeps its connection: 4 workers, 60 requests, at
// most 4 connections opened for them.
TEST_F(Downloads, EachWorkerKeepsItsConnection) {
  RunningServer server;
  const concur::BuiltEntry entry = downloads(server.server().url(), {"all"});
  const std::uint64_t before = server.stats().connections;
  std::vector<std::jthread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&entry, w] {
      const std::unique_ptr<concur::Io> io = concur::make_blocking_io();
      for (std::size_t i = static_cast<std::size_t>(w); i < 60; i += 4) {
        concur::Task task = entry.workload->run(i, *io);
        task.start();
      }
    });
  }
  workers.clear();
  EXPECT_LE(server.stats().connections - before, 4u);
  EXPECT_EQ(server.stats().ok, 60u);
}

}  // namespace
}  // namespace concur_server_test
