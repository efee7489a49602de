// `concur run`: load plugins and the suite, apply overrides, run every case, report and write results.
#include <iostream>

#include "cli/commands.hpp"
#include "concur/version.hpp"
#include "host/plugin_loader.hpp"
#include "results/report.hpp"
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

// Fails before minutes of benchmarking rather than after, if the file can't be written.
void check_writable(const std::filesystem::path& out) {
  std::error_code ec;
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
  if (ec) throw ConfigError("--out " + out.string() + ": cannot create folder: " + ec.message());
  if (std::filesystem::is_directory(out)) throw ConfigError("--out " + out.string() + ": is a folder; expected a file path");
}

}  // namespace

int run_command(const CommonOptions& common, const RunCommandOptions& options) {
  PluginSet plugins = load_plugins(plugin_search_path(common.plugin_dirs));
  for (const std::string& e : plugins.errors) std::cerr << "concur: plugin not loaded: " << e << '\n';

  Suite suite;
  std::vector<Case> cases;
  std::filesystem::path out;
  try {
    suite = load_suite(options.suite, plugins.names());
    apply_overrides(suite, overrides_from(options), plugins.names());
    cases = plan_cases(suite, plugins, options.filter);
    out = options.out ? *options.out : default_results_path(suite);
    check_writable(out);
  } catch (const ConfigError& e) {
    std::cerr << "concur: " << e.what() << '\n';
    return exit_usage;
  }

  const SystemInfo system = collect_system_info();
  std::cout << "concur " << version_string << " (" << system.build_type << ", " << system.git_commit << ") on "
            << system.kernel << ", " << system.online_cores << " cores; suite " << suite.path.string() << '\n';

  RunnerOptions runner_options;
  runner_options.verbose = options.verbose;
  const SuiteRun run = run_suite(suite, std::move(cases), runner_options, std::cout);

  print_report(std::cout, suite, run, system.online_cores);

  try {
    ResultsMeta meta{suite, system, plugins, std::filesystem::read_symlink("/proc/self/exe").string(),
                     options.command_line};
    write_json_file(out, results_json(run, meta));
  } catch (const std::exception& e) {
    std::cerr << "concur: " << e.what() << '\n';
    return exit_usage;
  }
  std::cout << "results: " << out.string() << '\n';
  if (run.failed()) {
    std::cerr << "concur: some cases failed (see FAILED above)\n";
    return exit_case_failed;
  }
  return exit_ok;
}

}  // namespace concur::cli
