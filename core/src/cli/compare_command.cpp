// `concur compare BASE NEW`: each benchmark of two results files judged by a Mann-Whitney U test and its median change.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/gate_options.hpp"
#include "gate/compare.hpp"
#include "gate/report_format.hpp"

namespace concur::cli {

int compare_command(const CompareCommandOptions& options) {
  GateReport report;
  try {
    const SamplesFile base = read_samples(options.base);
    const SamplesFile next = read_samples(options.next);
    // --threshold was checked as the command line was parsed.
    report = compare_results(base, next, {parse_threshold(options.threshold), default_alpha});
  } catch (const SamplesReadError& e) {
    print_error(e.what());
    return exit_usage;
  }
  std::cout << format_report(report, options.format);
  return gate_exit_code(report);
}

}  // namespace concur::cli
