// The compare, calibrate and ab subcommands' options on CLI11, the dispatch to them, and what they hand on to each run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace concur::cli {

// Adds the three subcommands to `app`; the options live here, so it stays where it is made.
class GateCommands {
 public:
  GateCommands(CLI::App& app, CommonOptions& common);
  GateCommands(const GateCommands&) = delete;
  GateCommands& operator=(const GateCommands&) = delete;

  // The chosen command's exit code, or nothing when none of these was chosen.
  std::optional<int> dispatch(const CommonOptions& common) const;

 private:
  CLI::App* compare_ = nullptr;
  CLI::App* calibrate_ = nullptr;
  CLI::App* ab_ = nullptr;
  CompareCommandOptions compare_options_;
  CalibrateCommandOptions calibrate_options_;
  AbCommandOptions ab_options_;
};

// "5%" or "0.05" as a fraction above 0. Throws std::invalid_argument saying what was expected.
double parse_threshold(std::string_view text);

// The arguments of one `concur run` of `suite` into `out`, with the plugin
// folders and the options handed on (--repetitions, --strategy, --filter, --set, ...).
std::vector<std::string> run_arguments(const std::filesystem::path& suite, const std::filesystem::path& out,
                                       const std::vector<std::filesystem::path>& plugin_dirs,
                                       const PassedRunOptions& options);

}  // namespace concur::cli
