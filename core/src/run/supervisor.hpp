// Supervisor: runs a suite's cases in child concur processes, so that no crash, hang or signal loses a finished case.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "run/child_records.hpp"

namespace concur {

// What the supervisor itself provides once the cases are planned.
struct Prepared {
  std::map<std::string, std::string> servers;  // embedded flag servers' URLs by profile
  std::chrono::nanoseconds case_timeout{std::chrono::minutes(10)};
};

struct SupervisorOptions {
  // `concur run ...` as the user gave it (argv[0] excluded); the child gets it plus --child.
  std::vector<std::string> arguments;
  std::set<std::string> done;  // cases finished in an earlier run (--resume): not run again
  // Called once, when the first child has planned. May throw: the run then
  // stops before any case, and the exception propagates.
  std::function<Prepared(const PlanRecord&)> prepare;
  // Each case as it ends (journaled before the next begins).
  std::function<void(const CaseRecord&)> finished;
  // For a progress display, all optional: each case as it begins (its first
  // repetition); a call about once a second while a child runs; and, when
  // `output` is set, the children's standard output and error (stream
  // STDOUT_FILENO or STDERR_FILENO), which then reach the console only
  // through it, so that a status line can make room for them.
  std::function<void(const std::string&)> started;
  std::function<void()> tick;
  std::function<void(int stream, std::string_view bytes)> output;
};

struct SupervisedRun {
  std::optional<PlanRecord> plan;  // none when the first child refused the suite (it said why)
  int child_exit = 0;              // that child's exit code
  // The first child planned, then refused before any case (exit 2: inputs
  // that cannot be made); it said why. Nothing ran.
  bool refused = false;
  std::vector<CaseRecord> records;  // cases that ended in this run, in the order they ended
  int signal = 0;                   // SIGINT or SIGTERM, when one cut the run short
};

// Runs until every planned case not in `done` has ended or a signal arrives.
// A child that dies or overruns the case time limit takes only its current
// case with it (failed with the reason); the next child goes on with the rest.
SupervisedRun supervise(const SupervisorOptions& options, std::ostream& out);

// What the child needs to be told before it runs: the servers, the cases to leave out.
struct ChildInstructions {
  std::map<std::string, std::string> servers;
  std::set<std::string> skip;
};
ChildInstructions read_child_instructions(std::istream& in);

}  // namespace concur
