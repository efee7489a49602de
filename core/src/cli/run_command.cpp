// `concur run`: load plugins and the suite, apply overrides, run every case, report and write results.
#include <iostream>

#include "cli/commands.hpp"
#include "concur/version.hpp"
#include "host/plugin_loader.hpp"
#include "results/report.hpp"
#include "results/results_file.hpp"
#include "results/results_json.hpp"
#include "results/sysinfo.hpp"
#include "run/case_plan.hpp"
#include "run/runner.hpp"
#include "suite/suite.hpp"
#include "suite/suite_params.hpp"

namespace concur::cli {
namespace {

Overrides overrides_from(const RunCommandOptions& o) {
  Overrides ov;
  if (!o.strategies.empty()) ov.strategies = o.strategies;
  if (!o.workers.empty()) ov.workers = o.workers;
  ov.repetitions = o.repetitions;
  if (o.interleave) ov.interleave = true;
  if (!o.startup.empty()) ov.startup = parse_startup(o.startup);
  for (const std::string& s : o.sets) ov.sets.push_back(parse_set_option(s));
  return ov;
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

}  // namespace

int run_command(const CommonOptions& common, const RunCommandOptions& options) {
  PluginSet plugins = load_plugins(plugin_search_path(common.plugin_dirs));
  for (const std::string& e : plugins.errors) print_error("plugin not loaded: " + e);

  Suite suite;
  std::vector<Case> cases;
  std::filesystem::path out;
  try {
    suite = load_suite(options.suite, plugins.names());
    apply_overrides(suite, overrides_from(options), plugins.names());
    cases = plan_cases(suite, plugins, options.filter);
    out = results_path(suite, options.out);
  } catch (const ConfigError& e) {
    print_error(e.what());
    return exit_usage;
  }

  const SystemInfo system = collect_system_info();
  std::cout << "concur " << version_string << " (" << system.build_type << ", " << system.git_commit << ") on "
            << system.kernel << ", " << system.online_cores << " cores; suite " << suite.path.string() << '\n';

  RunnerOptions runner_options;
  runner_options.verbose = options.verbose;
  SuiteRun run;
  try {
    run = run_suite(suite, std::move(cases), runner_options, std::cout);
  } catch (const ConfigError& e) {  // the inputs could not be made: nothing ran
    print_error(e.what());
    return exit_usage;
  }

  print_report(std::cout, suite, run, system.online_cores);

  try {
    ResultsMeta meta{suite, system, plugins, std::filesystem::read_symlink("/proc/self/exe").string(),
                     options.command_line};
    write_results_file(out, json_text(results_json(run, meta)));
  } catch (const std::exception& e) {
    print_error(e.what());
    return exit_usage;
  }
  std::cout << "results: " << out.string() << '\n';
  if (run.failed()) {
    print_error("some cases failed (see FAILED above)");
    return exit_case_failed;
  }
  return exit_ok;
}

}  // namespace concur::cli
