// concur run's progress line: drawn on a terminal (a pseudo-terminal here) between the children's lines, gone with --quiet or without a terminal.
#include <poll.h>
#include <pty.h>
#include <signal.h>

#include <chrono>
#include <vector>

#include "cli_fixture.hpp"

namespace concur_e2e {
namespace {

constexpr const char* three_cases = R"(name: progress
repetitions: 2
warmup: 0
strategies: [sequential, threads]
workers: [1, 2]
workloads:
  - workload: loiter
    durations: [0, 1, 2]
    unit: 1ms
)";

const std::string clear_line = "\r\033[K";

// A status line drawn in `out`: `prefix` after a cleared line, then
// `middle` after one clock figure (m:ss), then `suffix` after another, at
// the end of the line. `suffix` empty: `middle` ends it.
bool shown(const std::string& out, const std::string& prefix, const std::string& middle,
           const std::string& suffix = "") {
  // The position after "<digits>:<2 digits><next>" at `at`, or npos.
  const auto clock_then = [](const std::string& text, std::size_t at, const std::string& next) {
    const std::size_t colon = text.find(':', at);
    const auto digits = [&](std::size_t from, std::size_t to) {
      return from < to && text.find_first_not_of("0123456789", from) >= to;
    };
    const bool found = colon != std::string::npos && colon + 3 <= text.size() && digits(at, colon) &&
                       digits(colon + 1, colon + 3) && text.compare(colon + 3, next.size(), next) == 0;
    return found ? colon + 3 + next.size() : std::string::npos;
  };
  const std::string start = clear_line + prefix;
  for (std::size_t at = out.find(start); at != std::string::npos; at = out.find(start, at + 1)) {
    std::size_t end = clock_then(out, at + start.size(), middle);
    if (end != std::string::npos && !suffix.empty()) end = clock_then(out, end, suffix);
    if (end != std::string::npos && (end == out.size() || out[end] == '\r')) return true;
  }
  return false;
}

// `text` is in `out`, at the start of a line or right after a cleared one.
bool starts_a_line(const std::string& out, const std::string& text) {
  const std::size_t at = out.find(text);
  if (at == std::string::npos) return false;
  const std::string before = out.substr(0, at);
  return before.empty() || before.ends_with('\n') || before.ends_with(clear_line);
}

class Progress : public Cli {
 protected:
  // Runs concur with `args` in the test's folder, on a pseudo-terminal of
  // 120 columns as its standard input, output and error; returns all it
  // wrote there (the terminal turns each "\n" into "\r\n").
  Result concur_on_terminal(const std::vector<std::string>& args) {
    std::vector<std::string> all{CONCUR_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    winsize size{};
    size.ws_row = 40;
    size.ws_col = 120;
    int terminal = -1;
    const pid_t pid = ::forkpty(&terminal, nullptr, nullptr, &size);
    if (pid == 0) {
      if (::chdir(dir_.c_str()) == 0) ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    Result r;
    if (pid < 0) return r;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    for (;;) {
      pollfd p{terminal, POLLIN, 0};
      if (::poll(&p, 1, 1000) < 0 && errno != EINTR) break;
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ADD_FAILURE() << "concur did not end within 2 minutes:\n" << r.out;
        break;
      }
      if (!(p.revents & (POLLIN | POLLHUP))) continue;
      char chunk[4096];
      const ssize_t n = ::read(terminal, chunk, sizeof chunk);
      if (n <= 0) break;  // EIO: every process holding the terminal ended
      r.out.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(terminal);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }
};

TEST_F(Progress, ATerminalShowsTheCaseRunningCasesDoneElapsedAndTimeLeft) {
  write("p.yaml", three_cases);
  const Result r = concur_on_terminal({"run", "p.yaml", "--out", "o.json"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // The clock's figures depend on the machine's speed: only their shape is checked.
  EXPECT_TRUE(shown(r.out, "[0/3 done] loiter/sequential/workers:1 | ", " elapsed | estimating\u2026")) << r.out;
  EXPECT_TRUE(shown(r.out, "[1/3 done] loiter/threads/workers:1 | ", " elapsed | ~", " left")) << r.out;
  EXPECT_TRUE(shown(r.out, "[3/3 done] | ", " elapsed | ~", " left")) << r.out;
  // Each case's line, printed by the child, starts a line of its own: the
  // status line was cleared before it.
  for (const char* c :
       {"loiter/sequential/workers:1   ", "loiter/threads/workers:1   ", "loiter/threads/workers:2   "}) {
    EXPECT_TRUE(starts_a_line(r.out, c)) << c << "\n" << r.out;
  }
  // Gone before the report: the tables follow a cleared line.
  const std::size_t last_clear = r.out.rfind(clear_line);
  ASSERT_NE(last_clear, std::string::npos);
  EXPECT_EQ(r.out.find("done]", last_clear), std::string::npos);
  EXPECT_NE(r.out.find("results: o.json"), std::string::npos) << r.out;
}

// The supervisor's own lines (a case whose process crashed) clear the line too.
TEST_F(Progress, TheSupervisorsOwnLinesStartALineOfTheirOwn) {
  write("p.yaml", three_cases);
  const Result r = concur_on_terminal({"run", "p.yaml", "--out", "o.json", "--plugin-dir",
                                       std::string(CONCUR_TEST_BAD_PLUGIN_DIR) + "/crasher", "--strategy", "crasher",
                                       "--workers", "1,3"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  // Under AddressSanitizer the crash is an exit with status 1, not a signal: the reason is not this test's concern.
  EXPECT_TRUE(starts_a_line(r.out, "loiter/crasher/workers:3: FAILED: ")) << r.out;
  EXPECT_TRUE(shown(r.out, "[2/2 done] | ", " elapsed | ~", " left")) << r.out;
}

TEST_F(Progress, QuietLeavesOnlyTheOutputAndNoStatusLine) {
  write("p.yaml", three_cases);
  const Result r = concur_on_terminal({"run", "p.yaml", "--out", "o.json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("done]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("elapsed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\033'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("loiter/threads/workers:2 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("results: o.json"), std::string::npos) << r.out;
}

TEST_F(Progress, WithoutATerminalStderrHoldsNoProgress) {
  write("p.yaml", three_cases);
  const Result r = concur("run p.yaml --out o.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
  EXPECT_NE(r.out.find("loiter/threads/workers:2 "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace concur_e2e
