// `concur ab SUITE`: two builds or plugin folders run in alternating rounds (A B B A A B ...) in one job, B judged against A round by round.
#include <array>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/gate_options.hpp"
#include "gate/ab_analysis.hpp"
#include "gate/concur_process.hpp"
#include "gate/report_format.hpp"
#include "gate/benchmark_samples.hpp"
#include "util/temp_dir.hpp"

namespace concur::cli {
namespace {

struct Side {
  char letter;
  std::filesystem::path executable;
  std::optional<std::filesystem::path> plugin_dir;
  std::vector<SamplesFile> rounds;

  std::string label() const {
    std::string text = executable.string();
    if (plugin_dir) text += " --plugin-dir " + plugin_dir->string();
    return text;
  }
};

}  // namespace

int ab_command(const CommonOptions& common, const AbCommandOptions& options) {
  const std::filesystem::path self = this_executable();
  Side a{'A', options.a_exec.value_or(self), options.a_dir, {}};
  Side b{'B', options.b_exec.value_or(self), options.b_dir, {}};
  const double threshold = parse_threshold(options.threshold);  // checked as the command line was parsed
  if (a.label() == b.label()) {
    std::cerr << "concur ab: A and B are the same build and plugins: an A/A run, which should find no change\n";
  }

  const TempDir folder("concur-ab-");
  for (unsigned round = 0; round < options.rounds; ++round) {
    // ABBA: A goes first in even rounds, B in odd ones, so neither side
    // always runs on the machine as the other left it (caches, clocks, heat).
    for (Side* side : round % 2 == 0 ? std::array{&a, &b} : std::array{&b, &a}) {
      std::cerr << "concur ab: round " << round + 1 << " of " << options.rounds << ": " << side->letter << '\n';
      const std::filesystem::path out =
          folder.path() / (std::string(1, side->letter) + "-" + std::to_string(round + 1) + ".json");
      std::vector<std::filesystem::path> plugin_dirs = common.plugin_dirs;
      if (side->plugin_dir) plugin_dirs.push_back(*side->plugin_dir);  // last: it replaces same-named plugins
      const std::vector<std::string> args = run_arguments(options.suite, out, plugin_dirs, options.run);
      const int code = run_concur(side->executable, args, !options.verbose);
      // exit 1: a case failed, its results are written and it is reported as an error.
      if (code != exit_ok && code != exit_case_failed) {
        print_error("ab: round " + std::to_string(round + 1) + ", side " + side->letter + " (" + side->label() +
                    ") ended with status " + std::to_string(code) + " (its error is above); no verdict");
        return code > 128 ? code : exit_usage;
      }
      try {
        side->rounds.push_back(read_samples(out));
      } catch (const SamplesReadError& e) {
        print_error(std::string("ab: ") + e.what());
        return exit_usage;
      }
    }
  }
  const GateReport report = ab_report(a.rounds, b.rounds, a.label(), b.label(), {threshold, default_alpha});
  std::cout << format_report(report, options.format);
  return gate_exit_code(report);
}

}  // namespace concur::cli
