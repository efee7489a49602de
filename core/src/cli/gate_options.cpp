#include "cli/gate_options.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "cli/option_checks.hpp"
#include "suite/suite_params.hpp"

namespace concur::cli {
namespace {

// The options of `concur run` that calibrate and ab hand on, with run's own checks.
void add_run_options(CLI::App* sub, PassedRunOptions& run, const std::string& repetitions_help) {
  CLI::Option* repetitions = sub->add_option("--repetitions,-r", run.repetitions, repetitions_help)
                                 ->check(integer_in(1, concur::suite_params::max_repetitions));
  if (run.repetitions) repetitions->default_str(std::to_string(*run.repetitions));
  sub->add_option("--strategy,-s", run.strategies, "Strategies to run, replacing the suite's (a,b or repeated)")
      ->delimiter(',');
  sub->add_option("--workers,-w", run.workers, "Worker counts, replacing the suite's (1,2,4 or 1..4)")
      ->delimiter(',')
      ->check(integer_or_range_in(1, concur::suite_params::max_workers));
  sub->add_option("--filter,-f", run.filter, "Run only cases whose name matches this regular expression");
  sub->add_option("--set", run.sets, "Override a workload parameter in every entry that has it (key=value; entry.key=value; key=a,b sweeps)");
  sub->add_option("--case-timeout", run.case_timeout, "Fail a case still running after this long (default: the suite's)");
  sub->add_option("--startup", run.startup, "Time strategies' start-up in every batch (timed) or not (untimed)")
      ->check(CLI::IsMember({"timed", "untimed"}));
  sub->add_option("--memory-limit", run.memory_limit, "Address space of the process running cases");
  sub->add_flag("--interleave", run.interleave,
                "Interleave repetitions of different cases randomly, so slow drift of the machine spreads over all");
}

CLI::Validator threshold_check() {
  return CLI::Validator(
      [](std::string& text) {
        try {
          parse_threshold(text);
          return std::string();
        } catch (const std::invalid_argument& e) {
          return std::string(e.what());
        }
      },
      "THRESHOLD");
}

void add_verdict_options(CLI::App* sub, std::string& threshold, std::string& format) {
  sub->add_option("--threshold", threshold,
                  "Default threshold of a change (5% or 0.05), for benchmarks neither the suite nor a calibration gives one")
      ->check(threshold_check())
      ->capture_default_str();
  sub->add_option("--format", format, "Report as text, markdown (a GitHub job summary) or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
}

}  // namespace

double parse_threshold(std::string_view text) {
  const bool percent = !text.empty() && text.back() == '%';
  const std::string_view digits = percent ? text.substr(0, text.size() - 1) : text;
  double value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
    throw std::invalid_argument("'" + std::string(text) + "' is not a threshold; expected a percentage (5%) or a fraction (0.05)");
  }
  if (percent) value /= 100;
  // Above 1000% a "threshold" no longer separates anything a benchmark does.
  if (!(value > 0 && value <= 10)) {
    throw std::invalid_argument("'" + std::string(text) + "' is out of range; expected above 0% and at most 1000%");
  }
  return value;
}

std::vector<std::string> run_arguments(const std::filesystem::path& suite, const std::filesystem::path& out,
                                       const std::vector<std::filesystem::path>& plugin_dirs,
                                       const PassedRunOptions& options) {
  std::vector<std::string> args{"run", suite.string(), "--out", out.string()};
  for (const auto& dir : plugin_dirs) args.insert(args.end(), {"--plugin-dir", dir.string()});
  if (options.repetitions) args.insert(args.end(), {"--repetitions", std::to_string(*options.repetitions)});
  const auto joined = [](const std::vector<std::string>& values) {
    std::string text;
    for (const std::string& v : values) text += (text.empty() ? "" : ",") + v;
    return text;
  };
  if (!options.strategies.empty()) args.insert(args.end(), {"--strategy", joined(options.strategies)});
  if (!options.workers.empty()) args.insert(args.end(), {"--workers", joined(options.workers)});
  if (!options.filter.empty()) args.insert(args.end(), {"--filter", options.filter});
  for (const std::string& s : options.sets) args.insert(args.end(), {"--set", s});
  if (!options.case_timeout.empty()) args.insert(args.end(), {"--case-timeout", options.case_timeout});
  if (!options.startup.empty()) args.insert(args.end(), {"--startup", options.startup});
  if (!options.memory_limit.empty()) args.insert(args.end(), {"--memory-limit", options.memory_limit});
  if (options.interleave) args.push_back("--interleave");
  return args;
}

GateCommands::GateCommands(CLI::App& app, CommonOptions& common) {
  compare_ = app.add_subcommand(
      "compare", "Compare two results files benchmark by benchmark (exit 0 ok, 1 a regression, 2 bad input)");
  compare_->add_option("base", compare_options_.base, "Baseline results (JSON; a calibrate file gives thresholds)")->required();
  compare_->add_option("new", compare_options_.next, "New results (JSON)")->required();
  add_verdict_options(compare_, compare_options_.threshold, compare_options_.format);

  calibrate_ = app.add_subcommand(
      "calibrate", "Run a suite several times unchanged (A/A) and write a baseline with a noise threshold per benchmark");
  calibrate_->add_option("suite", calibrate_options_.suite, "Suite file (YAML)")->required()->check(CLI::ExistingFile);
  calibrate_->add_option("--runs", calibrate_options_.runs, "Whole runs of the suite")
      ->check(integer_in(2, 100))
      ->capture_default_str();
  calibrate_->add_option("--out,-o", calibrate_options_.out,
                         "Baseline file (default results/<suite>-calibration-<UTC time>.json)");
  add_run_options(calibrate_, calibrate_options_.run, "Timed repetitions per case (default: the suite's)");
  calibrate_->add_flag("--verbose,-v", calibrate_options_.verbose, "Show each run's own output");

  ab_ = app.add_subcommand(
      "ab", "Run two builds or plugin folders in alternating rounds (ABBA) and judge B against A (exit 0, 1, 2)");
  ab_->add_option("suite", ab_options_.suite, "Suite file (YAML)")->required()->check(CLI::ExistingFile);
  ab_->add_option("--a", ab_options_.a_dir, "Plugin folder of side A")->check(CLI::ExistingDirectory);
  ab_->add_option("--b", ab_options_.b_dir, "Plugin folder of side B")->check(CLI::ExistingDirectory);
  ab_->add_option("--a-exec", ab_options_.a_exec, "concur executable of side A (default: this one)")->check(CLI::ExistingFile);
  ab_->add_option("--b-exec", ab_options_.b_exec, "concur executable of side B (default: this one)")->check(CLI::ExistingFile);
  ab_->add_option("--rounds", ab_options_.rounds, "Rounds; each runs A and B once")
      ->check(integer_in(1, 1000))
      ->capture_default_str();
  ab_options_.run.repetitions = 1;  // the rounds are the samples; a few repetitions each only lengthen them
  add_run_options(ab_, ab_options_.run, "Timed repetitions per case in each run");
  add_verdict_options(ab_, ab_options_.threshold, ab_options_.format);
  ab_->add_flag("--verbose,-v", ab_options_.verbose, "Show each run's own output");

  for (CLI::App* sub : {calibrate_, ab_}) {
    sub->add_option("--plugin-dir", common.plugin_dirs, "Also load plugins from this folder (repeatable)")
        ->check(CLI::ExistingDirectory);
  }
}

std::optional<int> GateCommands::dispatch(const CommonOptions& common) const {
  if (*compare_) return compare_command(compare_options_);
  if (*calibrate_) return calibrate_command(common, calibrate_options_);
  if (*ab_) return ab_command(common, ab_options_);
  return std::nullopt;
}

}  // namespace concur::cli
