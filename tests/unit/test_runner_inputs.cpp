// run_suite: inputs that cannot be made (memory, the inputs file) are an error naming the entry, thrown before anything runs.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <sstream>
#include <string>

#include "run/runner.hpp"

namespace concur {
namespace {

// A suite that skipped check_limits, as one does that fits the machine's
// memory while other processes hold it: the entry is made as it stands.
Suite one_entry(const std::string& workload, const std::map<std::string, ParamValue>& params) {
  Suite suite;
  WorkloadEntry entry;
  entry.workload = workload;
  for (const ParamSpec& spec : find_workload_type(workload)->params) entry.params.set(spec.name, spec.default_value);
  for (const auto& [name, value] : params) entry.params.set(name, value);
  entry.location = {"s.yaml", 3, 5};
  suite.entries.push_back(entry);
  return suite;
}

// What run_suite threw, in a forked child under `limit`: the limit is the child's alone.
std::string error_in_child(const Suite& suite, int resource, rlim_t limit) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "no pipe";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);  // past RLIMIT_FSIZE: the call fails instead of the process
    const rlimit rl{limit, limit};
    ::setrlimit(resource, &rl);
    std::string message = "no error";
    try {
      Case c;
      c.name = "entry";
      c.unavailable = "never run";
      std::ostringstream out;
      run_suite(suite, {c}, {}, out);
    } catch (const ConfigError& e) {
      message = e.what();
    } catch (const std::exception& e) {
      message = std::string("not a ConfigError: ") + e.what();
    }
    [[maybe_unused]] const ssize_t n = ::write(pipe_fds[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    message.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  ::waitpid(pid, nullptr, 0);
  return message;
}

TEST(RunnerInputs, AnAllocationThatFailsIsAnErrorInTheSuite) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizers reserve terabytes of address space: an address-space limit stops them, not the test";
#endif
  // 86401 durations, a million times over: the task list alone would be 691 GB.
  std::vector<std::int64_t> durations(86'401);
  const Suite suite = one_entry("loiter", {{"durations", durations}, {"repeat", std::int64_t{1'000'000}}});
  EXPECT_EQ(error_in_child(suite, RLIMIT_AS, rlim_t{64} << 30),
            "s.yaml:3:5: workloads[0]: out of memory while making its inputs");
}

TEST(RunnerInputs, AnInputsFileThatCannotGrowIsAnErrorInTheSuite) {
  const Suite suite = one_entry("sha256", {{"jobs", std::int64_t{2}}, {"size", std::int64_t{1} << 20}});
  EXPECT_EQ(error_in_child(suite, RLIMIT_FSIZE, 0),
            "s.yaml:3:5: workloads[0]: sha256: cannot allocate 2 MiB of input: File too large");
}

}  // namespace
}  // namespace concur
