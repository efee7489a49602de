// `concur run`: a supervisor that runs the suite's cases in child processes, journals each finished case, reports and writes results; and the child's side (--child).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>

#include "cli/commands.hpp"
#include "cli/run_progress.hpp"
#include "concur/version.hpp"
#include "host/plugin_loader.hpp"
#include "results/report.hpp"
#include "results/results_file.hpp"
#include "results/results_json.hpp"
#include "results/sysinfo.hpp"
#include "run/case_plan.hpp"
#include "run/child_records.hpp"
#include "run/journal.hpp"
#include "run/runner.hpp"
#include "run/child_process.hpp"
#include "run/supervisor.hpp"
#include "server/server_process.hpp"
#include "suite/suite.hpp"
#include "suite/suite_params.hpp"
#include "util/sha256_hex.hpp"
#include "util/units.hpp"

namespace concur::cli {
namespace {

// "--workers 1,2..4" (checked by the command line): each item a count or a range of them.
std::vector<unsigned> worker_counts(const std::vector<std::string>& items) {
  std::vector<unsigned> counts;
  for (const std::string& item : items) {
    const auto range = suite_params::parse_range(item);
    const auto first = range ? range->first : std::stoll(item), last = range ? range->second : first;
    for (auto n = first; n <= last; ++n) counts.push_back(static_cast<unsigned>(n));
  }
  return counts;
}

Overrides overrides_from(const RunCommandOptions& o) {
  Overrides ov;
  if (!o.strategies.empty()) ov.strategies = o.strategies;
  if (!o.workers.empty()) ov.workers = worker_counts(o.workers);
  ov.repetitions = o.repetitions;
  if (o.interleave) ov.interleave = true;
  if (!o.startup.empty()) ov.startup = parse_startup(o.startup);
  if (!o.case_timeout.empty()) ov.case_timeout = o.case_timeout;
  for (const std::string& s : o.sets) ov.sets.push_back(parse_set_option(s));
  return ov;
}

Suite load_with_overrides(const RunCommandOptions& options, const std::vector<std::string>& strategies) {
  Suite suite = load_suite(options.suite, strategies);
  apply_overrides(suite, overrides_from(options), strategies);
  return suite;
}

// Fails before minutes of benchmarking rather than after, if the file can't be
// written. Only concur's own results/ folder is made; a folder named in --out
// must exist, so that a typo in it is not silently a new folder.
std::filesystem::path results_path(const Suite& suite, const std::optional<std::filesystem::path>& given) {
  const std::filesystem::path out = given ? *given : default_results_path(suite);
  std::error_code ignored;  // a folder that cannot be made is reported just below
  if (!given) std::filesystem::create_directory(out.parent_path(), ignored);
  if (const std::string problem = results_path_problem(out); !problem.empty()) {
    const std::string shown = out.empty() ? "''" : out.string();
    throw ConfigError((given ? "--out " : "") + shown + ": " + problem);
  }
  return out;
}

std::string file_sha256(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return sha256_hex_oneshot({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

nlohmann::json journal_header(const RunCommandOptions& options) {
  return {{"concur_journal", 1},
          {"concur_version", version_string},
          {"suite", options.suite.string()},
          {"suite_sha256", file_sha256(options.suite)},
          {"command_line", options.command_line}};
}

// The cases an earlier, interrupted run finished. Throws ConfigError when
// the journal belongs to another suite or another concur.
std::vector<CaseRecord> resumed_cases(const RunCommandOptions& options, const std::filesystem::path& journal) {
  if (!std::filesystem::exists(journal)) {
    throw ConfigError("--resume " + options.resume->string() + ": no journal beside it (" + journal.string() +
                      "); only a run that was cut short can be resumed");
  }
  JournalContents contents;
  try {
    contents = read_journal(journal);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("--resume: ") + e.what());
  }
  const nlohmann::json expected = journal_header(options);
  for (const char* key : {"concur_version", "suite_sha256"}) {
    if (contents.header.value(key, nlohmann::json()) != expected[key]) {
      throw ConfigError("--resume " + options.resume->string() + ": written by a run with " + key + " " +
                        contents.header.value(key, nlohmann::json()).dump() + ", this one has " +
                        expected[key].dump() + "; expected the same suite file and concur");
    }
  }
  std::vector<CaseRecord> records;
  for (const nlohmann::json& r : contents.records) records.push_back(case_from_json(r));
  return records;
}

const char* signal_name(int signal) { return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal"; }

// The child's address space: --memory-limit, or all of the machine's memory.
std::uint64_t memory_limit(const RunCommandOptions& options) {
  if (!options.memory_limit.empty()) return parse_size(options.memory_limit);
  return static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<std::uint64_t>(sysconf(_SC_PAGE_SIZE));
}

int run_cases(const CommonOptions& common, const RunCommandOptions& options) {
  PluginSet plugins = load_plugins(plugin_search_path(common.plugin_dirs));
  for (const std::string& e : plugins.errors) print_error("plugin not loaded: " + e);

  Suite suite;
  std::vector<Case> cases;
  try {
    suite = load_with_overrides(options, plugins.names());
    cases = plan_cases(suite, plugins, options.filter);
    if (!options.shard.empty()) cases = shard_cases(std::move(cases), *parse_shard(options.shard));
  } catch (const ConfigError& e) {
    print_error(e.what());
    return exit_usage;
  }
  send_record({{"plan", plan_json({cases, describe_plugins(plugins)})}});
  const ChildInstructions instructions = read_child_instructions(std::cin);
  std::erase_if(cases, [&](const Case& c) { return instructions.skip.count(c.name) > 0; });

  RunnerOptions runner;
  runner.verbose = options.verbose;
  runner.servers = instructions.servers;
  std::vector<std::string> names;  // run_suite takes the cases
  for (const Case& c : cases) names.push_back(c.name);
  runner.case_starting = [&](std::size_t i) { send_record({{"start", names.at(i)}}); };
  runner.case_finished = [&](const SuiteRun& run, std::size_t i, const std::vector<benchmark::BenchmarkReporter::Run>& runs) {
    send_record({{"case", case_json({run.cases[i].name, run.results[i], runs, run.machine, run.started_at})}});
  };
  try {
    run_suite(suite, std::move(cases), runner, std::cout);
  } catch (const ConfigError& e) {  // the inputs could not be made: nothing ran
    print_error(e.what());
    return exit_usage;
  }
  return exit_ok;
}

}  // namespace

int run_child(const CommonOptions& common, const RunCommandOptions& options) {
  // A supervisor drawing a progress line reads this output through a pipe:
  // each line is to reach it as it is written, as it would reach a terminal.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  try {
    limit_memory(memory_limit(options));
    return run_cases(common, options);
  } catch (const std::bad_alloc&) {
    print_error("out of memory (the limit is " + format_size(memory_limit(options)) +
                " of address space; see --memory-limit)");
    return child_out_of_memory;
  } catch (const std::exception& e) {  // the supervisor fails the case in progress, or those not yet run
    print_error(e.what());
    return exit_case_failed;
  }
}

int run_command(const CommonOptions&, const RunCommandOptions& options) {
  std::filesystem::path out;
  std::vector<CaseRecord> finished;
  std::optional<Journal> journal;
  try {
    memory_limit(options);
  } catch (const std::invalid_argument& e) {
    print_error("--memory-limit " + options.memory_limit + ": " + e.what());
    return exit_usage;
  }
  try {
    if (options.resume) {
      out = *options.resume;
      finished = resumed_cases(options, journal_path(out));
      journal.emplace(journal_path(out), nlohmann::json(), true);
    }
  } catch (const std::exception& e) {
    print_error(e.what());
    return exit_usage;
  }

  const SystemInfo system = collect_system_info();

  Suite suite;
  std::map<std::string, ServerProcess> servers;
  SupervisorOptions supervisor;
  supervisor.arguments = options.arguments;
  for (const CaseRecord& r : finished) supervisor.done.insert(r.name);
  RunProgress progress(!options.quiet);
  supervisor.prepare = [&](const PlanRecord& plan) {
    std::vector<std::string> strategies;
    for (const PluginInfo& p : plan.plugins) strategies.push_back(p.name);
    suite = load_with_overrides(options, strategies);
    out = results_path(suite, options.resume ? options.resume : options.out);
    // Said once the suite is known to be runnable: a refused one prints only its error.
    std::ostream& console = progress.out();
    console << "concur " << version_string << " (" << system.build_type << ", " << system.git_commit << ") on "
              << system.kernel << ", " << system.online_cores << " cores; suite " << options.suite.string() << '\n';
    if (!journal) journal.emplace(journal_path(out), journal_header(options), false);
    Prepared prepared;
    prepared.case_timeout = suite.case_timeout;
    progress.planned(plan.cases.size(), static_cast<std::size_t>(std::count_if(
                                            plan.cases.begin(), plan.cases.end(),
                                            [&](const Case& c) { return supervisor.done.count(c.name) > 0; })));
    for (const Case& c : plan.cases) {
      const std::string profile = embedded_server_profile(suite.entries.at(c.entry));
      if (profile.empty() || servers.count(profile) || supervisor.done.count(c.name)) continue;
      const ServerProcess& server =
          servers.emplace(profile, ServerProcess({"--profile", profile, "--seed", std::to_string(suite.seed)}))
              .first->second;
      prepared.servers[profile] = server.base_url();
      console << "started the embedded " << profile << " flag server at " << server.base_url() << " (untimed)\n";
    }
    return prepared;
  };
  supervisor.finished = [&](const CaseRecord& record) {
    journal->append(case_json(record));
    progress.finished();
  };
  if (progress.shown()) {
    supervisor.started = [&](const std::string& name) { progress.started(name); };
    supervisor.tick = [&] { progress.tick(); };
    supervisor.output = [&](int stream, std::string_view bytes) { progress.forward(stream, bytes); };
  }

  SupervisedRun supervised;
  try {
    supervised = supervise(supervisor, progress.out());
    progress.clear();
  } catch (const ConfigError& e) {
    progress.clear();
    print_error(e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    progress.clear();
    print_error(e.what());
    return exit_case_failed;
  }
  if (!supervised.plan) return supervised.signal != 0 ? 128 + supervised.signal : supervised.child_exit;
  if (supervised.refused) {
    if (!options.resume) journal->remove();
    return exit_usage;
  }
  finished.insert(finished.end(), supervised.records.begin(), supervised.records.end());

  // The results, in the plan's order, from every case that ended, here or before.
  std::map<std::string, const CaseRecord*> by_name;
  for (const CaseRecord& r : finished) by_name[r.name] = &r;
  SuiteRun run;
  std::vector<std::string> missing;
  for (const Case& c : supervised.plan->cases) {
    const auto it = by_name.find(c.name);
    if (it == by_name.end()) {
      missing.push_back(c.name);
      continue;
    }
    const CaseRecord& r = *it->second;
    run.cases.push_back(c);
    run.results.push_back(r.result);
    for (benchmark::BenchmarkReporter::Run one : r.runs) {
      one.family_index = static_cast<std::int64_t>(run.cases.size() - 1);  // the results' order, whoever ran it
      run.runs.push_back(std::move(one));
    }
    if (run.started_at.empty() && !r.started_at.empty()) {
      run.started_at = r.started_at;
      run.machine = r.machine;
    }
  }

  print_report(std::cout, suite, run, system.online_cores);
  ResultsMeta meta{suite, system, supervised.plan->plugins, std::filesystem::read_symlink("/proc/self/exe").string(),
                   options.command_line, {}, {}, options.shard};
  if (supervised.signal != 0) {
    meta.interrupted_by = signal_name(supervised.signal);
    meta.missing = missing;
  }
  try {
    write_results_file(out, json_text(results_json(run, meta)));
  } catch (const std::exception& e) {
    print_error(e.what());
    return exit_usage;
  }
  std::cout << "results: " << out.string() << '\n';
  if (supervised.signal != 0) {
    print_error("interrupted by " + meta.interrupted_by + " with " + std::to_string(missing.size()) + " of " +
                std::to_string(supervised.plan->cases.size()) + " cases not run; to run them: concur run " +
                options.suite.string() + " --resume " + out.string());
    return 128 + supervised.signal;
  }
  journal->remove();
  if (run.failed()) {
    print_error("some cases failed (see FAILED above)");
    return exit_case_failed;
  }
  return exit_ok;
}

}  // namespace concur::cli
