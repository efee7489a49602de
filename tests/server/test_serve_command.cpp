// `concur serve` as a process: the URL line, exit codes, signals; and ServerProcess, which starts and stops it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "http_client.hpp"
#include "running_server.hpp"
#include "server/server_process.hpp"
#include "server/stats_client.hpp"

namespace concur_server_test {
namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class ServeCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concur-serve-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                                        "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  std::string slurp(const std::string& name) {
    std::ifstream f(dir_ / name);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  // Runs a shell script in the test's folder; $CONCUR is the binary.
  Result sh(const std::string& script) {
    const std::string full = "cd '" + dir_.string() + "' && CONCUR='" + CONCUR_BINARY + "' && (" + script +
                             ") >stdout.txt 2>stderr.txt";
    const int status = std::system(full.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp("stdout.txt"), slurp("stderr.txt")};
  }

  // Starts `concur serve ARGS` in the background, waits for its line, sends
  // `signal`, and reports the server's exit code on stdout's last line.
  Result serve_then(const std::string& args, const std::string& signal) {
    return sh("\"$CONCUR\" serve " + args + " >url.txt 2>err.txt & pid=$!; "
              "for i in $(seq 200); do [ -s url.txt ] && break; sleep 0.05; done; "
              "kill -" + signal + " $pid; wait $pid; echo $?");
  }

  fs::path dir_;
};

// The port in "http://127.0.0.1:PORT/flags", or 0 if `url` is not that.
// (No std::regex: GCC 12 warns inside it when sanitizing, bug 105562.)
int port_of(std::string_view url) {
  constexpr std::string_view head = "http://127.0.0.1:";
  constexpr std::string_view tail = "/flags";
  if (!url.starts_with(head) || !url.ends_with(tail) || url.size() <= head.size() + tail.size()) return 0;
  const std::string_view digits = url.substr(head.size(), url.size() - head.size() - tail.size());
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string_view::npos) return 0;
  const int port = std::stoi(std::string(digits));
  return port <= 65535 ? port : 0;
}

// The port of a whole "serving PROFILE flags on URL\n" line, or 0.
int port_of_line(std::string_view line, std::string_view profile) {
  const std::string head = "serving " + std::string(profile) + " flags on ";
  if (!line.starts_with(head) || !line.ends_with('\n')) return 0;
  return port_of(line.substr(head.size(), line.size() - head.size() - 1));
}

TEST_F(ServeCommand, PrintsOneUrlLineAndExits0OnSigterm) {
  const Result r = serve_then("--port 0", "TERM");
  EXPECT_EQ(r.out, "0\n") << slurp("err.txt");
  const std::string line = slurp("url.txt");
  EXPECT_NE(port_of_line(line, "local"), 0) << line;
  EXPECT_EQ(slurp("err.txt"), "");
}

TEST_F(ServeCommand, Sigint) {
  const Result r = serve_then("--port 0 --profile error", "INT");
  EXPECT_EQ(r.out, "0\n") << slurp("err.txt");
  EXPECT_NE(port_of_line(slurp("url.txt"), "error"), 0) << slurp("url.txt");
}

TEST_F(ServeCommand, BadOptionsAreOneLineAndExit2) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--error 0.8 --blackout 0.5", "concur: fault probabilities add up to 1.300000, at most 1 expected\n"},
      {"--delay 5", "concur: --delay: "},
      {"--slow-time -1s", "concur: --slow-time: "},
      {"--bind localhost", "concur: flag server: bind address \"localhost\": an IPv4 or IPv6 address expected\n"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = sh("\"$CONCUR\" serve --port 0 " + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_TRUE(r.err.rfind(message, 0) == 0) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "");
  }
  // Checked by the command line parser itself.
  for (const char* args : {"--profile nope", "--error 1.5", "--port 70000", "--seed x"}) {
    EXPECT_EQ(sh("\"$CONCUR\" serve " + std::string(args)).exit_code, 2) << args;
  }
}

TEST_F(ServeCommand, APortInUseIsOneLineAndExit1) {
  RunningServer taken;
  const Result r = sh("\"$CONCUR\" serve --port " + std::to_string(taken.port()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "concur: cannot listen on 127.0.0.1:" + std::to_string(taken.port()) + ": Address already in use\n");
  EXPECT_EQ(r.out, "");
}

TEST(ServerProcess, StartsServesAndStops) {
  concur::ServerProcess server({}, CONCUR_BINARY);
  ASSERT_NE(port_of(server.base_url()), 0) << server.base_url();
  EXPECT_GT(server.pid(), 0);
  HttpClient client;
  const Reply r = client.get(server.base_url() + "/us/us.gif");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "image/gif");
  const concur::ServerStats s = server.stats();
  EXPECT_EQ(s.ok, 1u);
  EXPECT_EQ(s.connections, 2u);  // the client's and fetch_stats' own
  EXPECT_EQ(concur::fetch_stats(server.base_url()).connections, 3u);

  const int status = server.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(server.pid(), -1);
  EXPECT_EQ(server.stop(), status);
  EXPECT_THROW(concur::fetch_stats(server.base_url(), std::chrono::milliseconds(2000)), std::runtime_error);
}

TEST(ServerProcess, PassesArgumentsAndKeepsTheFaultLog) {
  concur::ServerProcess server({"--error", "1", "--log-faults", "--seed", "9"}, CONCUR_BINARY);
  HttpClient client;
  EXPECT_GE(client.get(server.base_url() + "/br/br.gif").status, 500);
  EXPECT_EQ(server.stats().fault(concur::FaultKind::error), 1u);
  EXPECT_EQ(server.stderr_text(), "flag server: fault error on GET /flags/br/br.gif\n");
  // The seed reaches the images: the manifest says so.
  EXPECT_NE(client.get(server.base_url() + "/manifest.json").body.find("\"seed\": 9"), std::string::npos);
}

TEST(ServerProcess, AFailedStartQuotesTheServer) {
  try {
    concur::ServerProcess server({"--error", "0.9", "--reset", "0.9"}, CONCUR_BINARY);
    FAIL() << "started";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "concur serve exited with status 2 before printing its URL: "
              "concur: fault probabilities add up to 1.800000, at most 1 expected");
  }
  try {
    concur::ServerProcess server({}, "/nonexistent/concur");
    FAIL() << "started";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/concur"), std::string::npos) << e.what();
  }
}

TEST_F(ServeCommand, StopsWhenStdinClosesIfAsked) {
  const Result r = sh("sleep 0.5 | \"$CONCUR\" serve --port 0 --stop-on-stdin-eof >url.txt; echo $?");
  EXPECT_EQ(r.out, "0\n") << r.err;
  EXPECT_NE(port_of_line(slurp("url.txt"), "local"), 0) << slurp("url.txt");
}

TEST_F(ServeCommand, ServerProcessGivesUpOnASilentServer) {
  const fs::path silent = dir_ / "silent";
  std::ofstream(silent) << "#!/bin/sh\necho starting >&2\nexec sleep 30\n";
  fs::permissions(silent, fs::perms::owner_all);
  const auto start = std::chrono::steady_clock::now();
  try {
    concur::ServerProcess server({}, silent, std::chrono::milliseconds(300));
    FAIL() << "started";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "concur serve printed no URL within 300 ms: starting");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10)) << "the silent child was not killed";
}

TEST(ServerProcess, DestructionStopsTheServer) {
  std::string url;
  {
    concur::ServerProcess server({}, CONCUR_BINARY);
    url = server.base_url();
    EXPECT_EQ(concur::fetch_stats(url).connections, 1u);
  }
  EXPECT_THROW(concur::fetch_stats(url, std::chrono::milliseconds(2000)), std::runtime_error);
}

}  // namespace
}  // namespace concur_server_test
