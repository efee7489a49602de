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
    ChildProcess child(options.arguments);
    RecordReader reader(child.records(), signals);
    std::string current;  // the case this child is running
    Clock::time_point deadline = Clock::time_point::max();
    bool planned = false, started_any = false;
    int status = 0;
    bool timed_out = false;
    for (std::string line;;) {
      int signal = 0;
      const Wait w = reader.next(line, deadline, signal);
      if (w == Wait::signalled) {
        child.end(SIGTERM, std::chrono::seconds(3));
        run.signal = signal;
        return run;
      }
      if (w == Wait::timed_out) {
        child.end(SIGKILL, std::chrono::seconds(0));
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
        if (name != current) {
          current = name;
          deadline = Clock::now() + prepared.case_timeout;
          started_any = true;
        }
      } else if (record.contains("case")) {
        end_case(case_from_json(record.at("case")));
        current.clear();
        deadline = Clock::time_point::max();
      } else {
        child.end(SIGKILL, std::chrono::seconds(0));
        throw std::runtime_error("a child concur sent a record that is not one: " + line.substr(0, 200));
      }
    }

    if (!run.plan) {  // refused the suite (exit 2 and its message) or died before planning
      run.child_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      if (run.child_exit == 0) run.child_exit = 1;
      if (!(WIFEXITED(status) && WEXITSTATUS(status) == 2)) {
        out << "concur: the process planning the cases " << describe_wait_status(status) << '\n';
      }
      return run;
    }
    if (!current.empty()) {
      const std::string why = timed_out ? "exceeded the case time limit of " + format_duration(prepared.case_timeout)
                                        : describe_wait_status(status) + " in case " + current;
      out << current << ": FAILED: " << why << '\n';
      end_case(failed_case(current, why));
      continue;  // a new child goes on with the rest
    }
    const std::vector<std::string> left = remaining();
    if (left.empty()) return run;
    if (!started_any && run.records.empty() && WIFEXITED(status) && WEXITSTATUS(status) == 2) {
      run.refused = true;
      run.child_exit = 2;
      return run;
    }
    // Died, or ended, between cases without running any: another child would
    // do the same, so the rest fail with this one's reason.
    const std::string why = (started_any ? "not run: the process running cases " : "not run: the process preparing cases ") +
                            describe_wait_status(status);
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
