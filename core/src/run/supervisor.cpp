#include "run/supervisor.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <stdexcept>

#include "run/child_process.hpp"
#include "util/units.hpp"

namespace concur {
namespace {

using Clock = ChildClock;

// A case its process did not live to report: one errored run carries the
// reason into the results, as Google Benchmark writes a skipped case.
CaseRecord failed_case(const std::string& name, const std::string& why) {
  CaseRecord r;
  r.name = name;
  r.result.failure = why;
  r.result.broken = true;
  benchmark::BenchmarkReporter::Run run;
  run.run_name.function_name = name;
  run.error_occurred = true;
  run.error_message = why;
  run.iterations = 0;
  run.repetition_index = 0;
  run.repetitions = 1;
  run.time_unit = benchmark::kMillisecond;
  r.runs.push_back(run);
  return r;
}

}  // namespace

SupervisedRun supervise(const SupervisorOptions& options, std::ostream& out) {
  SupervisedRun run;
  SignalWatch signals;
  std::set<std::string> ended = options.done;  // finished before, or here
  Prepared prepared;
  auto end_case = [&](CaseRecord record) {
    ended.insert(record.name);
    if (options.finished) options.finished(record);
    run.records.push_back(std::move(record));
  };
  auto remaining = [&] {
    std::vector<std::string> left;
    if (run.plan) {
      for (const Case& c : run.plan->cases) {
        if (!ended.count(c.name)) left.push_back(c.name);
      }
    }
    return left;
  };

  for (;;) {
    out.flush();  // the child writes to the same console: what came before must appear before it
    ChildProcess child(options.arguments, static_cast<bool>(options.output));
    RecordReader reader(child.records(), signals,
                        {child.output(STDOUT_FILENO), child.output(STDERR_FILENO), options.output, options.tick});
    std::string current;  // the case this child is running
    // A child is never silent for longer than the case time limit: not in a
    // case, not between two, not on its way out (a plugin whose teardown hangs).
    Clock::time_point deadline = Clock::now() + prepared.case_timeout;
    bool planned = false;
    std::size_t cases_ended = 0;
    int status = 0;
    bool timed_out = false;
    for (std::string line;;) {
      int signal = 0;
      const Wait w = reader.next(line, deadline, signal);
      if (w == Wait::signalled) {
        child.end(SIGTERM, std::chrono::seconds(3));
        reader.drain();
        run.signal = signal;
        return run;
      }
      if (w == Wait::timed_out) {
        status = child.end(SIGKILL, std::chrono::seconds(0));
        timed_out = true;
        break;
      }
      if (w == Wait::closed) {
        status = child.reap();
        break;
      }
      const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      if (record.contains("plan") && !planned) {
        planned = true;
        if (!run.plan) {
          run.plan = plan_from_json(record.at("plan"));
          if (options.prepare) prepared = options.prepare(*run.plan);
          out.flush();
        }
        std::string text;
        for (const auto& [profile, url] : prepared.servers) text += "server " + profile + " " + url + "\n";
        for (const std::string& name : ended) text += "skip " + name + "\n";
        child.instruct(text + "go\n");
      } else if (record.contains("start")) {
        const std::string name = record.at("start").get<std::string>();
        if (name == current) continue;  // its next repetition: the limit is per case
        current = name;
        if (options.started) options.started(name);
      } else if (record.contains("case")) {
        end_case(case_from_json(record.at("case")));
        current.clear();
        ++cases_ended;
      } else {
        child.end(SIGKILL, std::chrono::seconds(0));
        throw std::runtime_error("a child concur sent a record that is not one: " + line.substr(0, 200));
      }
      deadline = Clock::now() + prepared.case_timeout;
    }
    reader.drain();  // what the child said last comes before what is said of its end
    const std::string limit = format_duration(prepared.case_timeout);

    if (!run.plan) {  // refused the suite (exit 2 and its message) or died before planning
      run.child_exit = WIFEXITED(status) && !timed_out ? WEXITSTATUS(status) : 1;
      if (run.child_exit == 0) run.child_exit = 1;
      if (timed_out) {
        out << "concur: the process planning the cases did not finish within " << limit << " (killed)\n";
      } else if (!(WIFEXITED(status) && WEXITSTATUS(status) == 2)) {
        out << "concur: the process planning the cases " << describe_wait_status(status) << '\n';
      }
      return run;
    }
    if (!current.empty()) {
      const std::string why = timed_out ? "exceeded the case time limit of " + limit
                                        : describe_wait_status(status) + " in case " + current;
      out << current << ": FAILED: " << why << '\n';
      end_case(failed_case(current, why));
      continue;  // a new child goes on with the rest
    }
    const std::vector<std::string> left = remaining();
    const std::string how = !timed_out     ? describe_wait_status(status)
                            : left.empty() ? "did not exit within " + limit + " (killed)"
                                           : "did not start its next case within " + limit + " (killed)";
    if (left.empty()) {
      // Every case is in: only the teardown after them went wrong, which costs no result.
      if (timed_out || status != 0) out << "concur: note: after its last case, the process running cases " << how << '\n';
      return run;
    }
    if (cases_ended == 0 && run.records.empty() && !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 2) {
      run.refused = true;
      run.child_exit = 2;
      return run;
    }
    if (cases_ended > 0) continue;  // stalled or died between cases: the next child goes on
    // Died, or ended, before its first case: another child would do the
    // same, so the rest fail with this one's reason.
    const std::string why = "not run: the process preparing cases " + how;
    for (const std::string& name : left) end_case(failed_case(name, why));
    return run;
  }
}

ChildInstructions read_child_instructions(std::istream& in) {
  ChildInstructions instructions;
  for (const std::string& line : read_instructions(in)) {
    if (line.rfind("skip ", 0) == 0) {
      instructions.skip.insert(line.substr(5));
    } else if (line.rfind("server ", 0) == 0 && line.find(' ', 7) != std::string::npos) {
      const std::size_t space = line.find(' ', 7);
      instructions.servers[line.substr(7, space - 7)] = line.substr(space + 1);
    } else {
      throw std::runtime_error("unknown instruction from the supervising concur: " + line);
    }
  }
  return instructions;
}

}  // namespace concur
