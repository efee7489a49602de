// `concur calibrate SUITE`: the A/A run. The suite runs --runs times unchanged; each benchmark's run-to-run noise sets its threshold in the baseline written.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/gate_options.hpp"
#include "gate/calibration.hpp"
#include "gate/concur_process.hpp"
#include "results/results_file.hpp"
#include "results/results_json.hpp"
#include "gate/benchmark_samples.hpp"
#include "util/temp_dir.hpp"
#include "util/units.hpp"

namespace concur::cli {
namespace {

// results/<suite>-calibration-<UTC time>.json, the folder made as `concur run` makes its own.
std::filesystem::path default_out(const SamplesFile& last, const std::filesystem::path& suite) {
  const nlohmann::json name = last.context.value("suite", nlohmann::json::object()).value("name", nlohmann::json());
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  std::error_code ignored;  // a folder that cannot be made fails the write, which says so
  std::filesystem::create_directory("results", ignored);
  return std::filesystem::path("results") /
         ((name.is_string() ? name.get<std::string>() : suite.stem().string()) + "-calibration-" + stamp + ".json");
}

void print_noise(const Calibration& calibration) {
  std::size_t width = std::string_view("benchmark").size();
  for (const BenchmarkNoise& b : calibration.benchmarks) width = std::max(width, b.run_name.size());
  const auto padded = [&](const std::string& name) { return name + std::string(width - name.size() + 2, ' '); };
  std::cout << padded("benchmark") << "between runs  within a run  threshold  run medians (real_time)\n";
  for (const BenchmarkNoise& b : calibration.benchmarks) {
    char figures[64];
    std::snprintf(figures, sizeof figures, "%11.2f%%  %11.2f%%  %8.2f%%  ", b.between_runs * 100, b.within_run * 100,
                  b.threshold * 100);
    std::string medians;
    for (double m : b.run_medians_ns) medians += (medians.empty() ? "" : ", ") + format_seconds(m / 1e9);
    std::cout << padded(b.run_name) << figures << medians << '\n';
  }
  for (const std::string& name : calibration.skipped) {
    std::cout << padded(name) << "failed or missing in a run: no threshold (compare uses its default)\n";
  }
}

}  // namespace

int calibrate_command(const CommonOptions& common, const CalibrateCommandOptions& options) {
  if (options.out) {
    if (const std::string problem = results_path_problem(*options.out); !problem.empty()) {
      print_error("--out " + options.out->string() + ": " + problem);
      return exit_usage;
    }
  }
  const TempDir folder("concur-calibrate-");
  std::vector<std::filesystem::path> files;
  bool failed_cases = false;
  for (unsigned i = 1; i <= options.runs; ++i) {
    std::cerr << "concur calibrate: run " << i << " of " << options.runs << '\n';
    files.push_back(folder.path() / ("run-" + std::to_string(i) + ".json"));
    const std::vector<std::string> args = run_arguments(options.suite, files.back(), common.plugin_dirs, options.run);
    const int code = run_concur(this_executable(), args, !options.verbose);
    if (code == exit_case_failed) {
      failed_cases = true;  // its results are written; the failed cases get no threshold
    } else if (code != exit_ok) {
      print_error("calibrate: run " + std::to_string(i) + " of " + options.suite.string() + " ended with status " +
                  std::to_string(code) + " (its error is above); nothing written");
      return code > 128 ? code : exit_usage;
    }
  }

  std::vector<SamplesFile> runs;
  nlohmann::json last;
  try {
    for (const auto& file : files) runs.push_back(read_samples(file));
    last = nlohmann::json::parse(std::ifstream(files.back()));
  } catch (const std::exception& e) {
    print_error(std::string("calibrate: ") + e.what());
    return exit_usage;
  }
  const CalibrationOptions calibration_options;
  const Calibration calibration = measure_noise(runs, calibration_options);
  last["context"]["calibration"] = calibration_json(calibration, calibration_options, runs.size());

  const std::filesystem::path out = options.out ? *options.out : default_out(runs.back(), options.suite);
  try {
    write_results_file(out, json_text(last));
  } catch (const std::exception& e) {
    print_error(e.what());
    return exit_usage;
  }
  print_noise(calibration);
  std::cout << "baseline: " << out.string() << " (the last run's benchmarks; threshold = max("
            << calibration_options.floor * 100 << "%, " << calibration_options.k << " x noise))\n";
  if (failed_cases) {
    print_error("calibrate: some cases failed in a run (see above); they have no threshold");
    return exit_case_failed;
  }
  return exit_ok;
}

}  // namespace concur::cli
