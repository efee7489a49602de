// concur report: a results file's speedup tables, in the format asked for, on stdout or into a file.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/report_input.hpp"
#include "results/charts.hpp"
#include "results/gnuplot_runner.hpp"
#include "results/report_formats.hpp"
#include "results/results_file.hpp"
#include "util/temp_dir.hpp"

namespace concur::cli {
namespace {

// Every chart plot can draw for the report, as SVG text for the page.
std::vector<ReportChart> html_charts(const LoadedReport& loaded) {
  const std::vector<ChartPlan> plans = plan_charts(
      loaded.report, loaded.data, {ChartKind::speedup, ChartKind::outcomes, ChartKind::timeline}, "");
  std::vector<ReportChart> charts;
  TempDir dir("concur-report-");
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const std::filesystem::path file = dir.path() / (std::to_string(i) + ".svg");
    draw_chart(plans[i], file, ImageFormat::svg);
    std::ifstream in(file);
    std::stringstream svg;
    svg << in.rdbuf();
    charts.push_back({plans[i].title, svg.str()});
  }
  return charts;
}

}  // namespace

int report_command(const ReportCommandOptions& options) {
  const std::optional<ReportFormat> format = parse_report_format(options.format);
  if (!format) {
    print_error("--format " + options.format + ": expected table, markdown, csv, json or html");
    return exit_usage;
  }
  if (!(options.max_cv_percent >= 0)) {
    print_error("--max-cv " + std::to_string(options.max_cv_percent) + ": expected a percentage of 0 or more");
    return exit_usage;
  }
  if (options.out) {
    if (const std::string problem = results_path_problem(*options.out); !problem.empty()) {
      print_error("-o " + options.out->string() + ": " + problem);
      return exit_usage;
    }
  }
  NoiseLimits limits;
  limits.max_cv = options.max_cv_percent / 100;
  const std::optional<LoadedReport> loaded = load_report(options.file, options.baseline, limits);
  if (!loaded) return exit_usage;

  std::ostringstream text;
  try {
    switch (*format) {
      case ReportFormat::table: write_report_table(text, loaded->report); break;
      case ReportFormat::markdown: write_report_markdown(text, loaded->report); break;
      case ReportFormat::csv: write_report_csv(text, loaded->report); break;
      case ReportFormat::json: write_report_json(text, loaded->report); break;
      case ReportFormat::html: write_report_html(text, loaded->report, html_charts(*loaded)); break;
    }
  } catch (const GnuplotMissing& e) {
    print_error(std::string("--format html: ") + e.what());
    return exit_usage;
  }
  if (options.out) {
    write_results_file(*options.out, text.str());
  } else {
    std::cout << text.str() << std::flush;
  }
  return exit_ok;
}

}  // namespace concur::cli
