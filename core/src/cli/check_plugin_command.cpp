// `concur check-plugin PATH`: the conformance checks on one plugin file, each run in a child concur so that a plugin that crashes or hangs fails its check instead of ending the report.
#include <iomanip>
#include <iostream>
#include <set>

#include <sys/wait.h>

#include "cli/commands.hpp"
#include "host/plugin_loader.hpp"
#include "run/child_process.hpp"
#include "run/conformance.hpp"
#include "util/units.hpp"

namespace concur::cli {
namespace {

struct Tally {
  int passed = 0, failed = 0, skipped = 0;
};

void print_fail(const std::string& description, const std::string& detail) {
  std::cout << "FAIL  " << description << "\n" << std::string(33, ' ') << "-> " << detail << '\n' << std::flush;
}

const ConformanceCheck& check_named(const std::string& name) {
  for (const ConformanceCheck& c : conformance_checks()) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("a child concur ran an unknown check '" + name + "'");
}

}  // namespace

// The child: loads the plugin and runs the checks it is not told to skip,
// printing each line itself and reporting each check to the parent.
int check_plugin_child(const std::filesystem::path& file) {
  LoadedPlugin plugin;
  try {
    plugin = load_plugin(file);
  } catch (const PluginError& e) {
    print_error(e.what());
    return exit_usage;
  }
  std::set<std::string> skip;
  bool header = true;
  for (const std::string& line : read_instructions(std::cin)) {
    if (line == "no-header") header = false;
    if (line.rfind("skip ", 0) == 0) skip.insert(line.substr(5));
  }
  Strategy& strategy = *plugin.strategy;
  send_record({{"header", {{"name", std::string(strategy.name())}, {"available", plugin.availability.available}}}});
  if (header) {
    std::cout << "checking " << file.string() << '\n'
              << "  strategy " << strategy.name() << ' ' << strategy.version() << ", ABI " << plugin.abi << ", "
              << (plugin.availability.available ? "available" : "unavailable: " + plugin.availability.reason) << '\n'
              << "  " << strategy.description() << "\n\n";
  }
  for (const ConformanceCheck& check : conformance_checks()) {
    if (skip.count(check.name)) continue;
    std::cout << "  " << std::left << std::setw(25) << check.name << std::right << std::flush;
    send_record({{"start", check.name}});
    const CheckResult r = run_check(check, strategy);
    switch (r.status) {
      case CheckStatus::passed: std::cout << "PASS  " << r.description << '\n'; break;
      case CheckStatus::failed: print_fail(r.description, r.detail); break;
      case CheckStatus::skipped: std::cout << "SKIP  " << r.detail << '\n'; break;
    }
    std::cout << std::flush;
    send_record({{"check", {{"name", check.name}, {"status", static_cast<int>(r.status)}}}});
  }
  return exit_ok;
}

int check_plugin_command(const std::filesystem::path& file, std::chrono::nanoseconds check_timeout) {
  SignalWatch signals;
  Tally tally;
  std::set<std::string> ended;
  std::string name;
  bool available = false;
  for (;;) {
    ChildProcess child({"check-plugin", file.string()});
    std::string instructions = name.empty() ? "" : "no-header\n";
    for (const std::string& done : ended) instructions += "skip " + done + "\n";
    child.instruct(instructions + "go\n");
    RecordReader reader(child.records(), signals);
    const std::size_t ended_before = ended.size();
    std::string current;
    // Silent for no longer than a check may take: loading, each check, the teardown.
    auto deadline = ChildClock::now() + check_timeout;
    std::string why;  // how the child ended, when it took its check with it
    for (std::string line;;) {
      int signal = 0;
      const Wait w = reader.next(line, deadline, signal);
      if (w == Wait::signalled) {
        child.end(SIGTERM, std::chrono::seconds(3));
        std::cout << '\n';
        return 128 + signal;
      }
      if (w == Wait::timed_out) {
        child.end(SIGKILL, std::chrono::seconds(0));
        why = "did not finish within " + format_duration(check_timeout) + " (killed)";
        break;
      }
      if (w == Wait::closed) {
        const int status = child.reap();
        if (name.empty()) return WIFEXITED(status) && WEXITSTATUS(status) == exit_usage ? exit_usage : exit_case_failed;
        if (status != 0) why = "the process running it " + describe_wait_status(status);
        break;
      }
      const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      if (record.contains("header")) {
        name = record["header"].value("name", "");
        available = record["header"].value("available", false);
      } else if (record.contains("start")) {
        current = record["start"].get<std::string>();
      } else if (record.contains("check")) {
        const auto status = static_cast<CheckStatus>(record["check"].value("status", 1));
        ++(status == CheckStatus::passed ? tally.passed : status == CheckStatus::failed ? tally.failed : tally.skipped);
        ended.insert(record["check"].value("name", ""));
        current.clear();
      }
      deadline = ChildClock::now() + check_timeout;
    }
    if (name.empty()) {  // timed out loading the plugin
      print_error(file.string() + ": loading the plugin " + why);
      return exit_case_failed;
    }
    if (current.empty()) {
      const bool all_ended = ended.size() == conformance_checks().size();
      if (!all_ended && ended.size() > ended_before) continue;  // died between two checks: the next child goes on
      if (!why.empty()) {
        std::cout << "  " << std::left << std::setw(25) << (all_ended ? "teardown" : "start-up") << std::right;
        print_fail(all_ended ? "the strategy is destroyed and its library unloaded cleanly"
                             : "the child process starts its next check",
                   why);
        ++tally.failed;
      }
      break;
    }
    print_fail(check_named(current).description, why);
    ++tally.failed;
    ended.insert(current);
  }
  std::cout << '\n'
            << name << ": " << tally.passed << " checks passed, " << tally.failed << " failed, " << tally.skipped
            << " skipped\n";
  return tally.failed == 0 && available ? exit_ok : exit_case_failed;
}

}  // namespace concur::cli
