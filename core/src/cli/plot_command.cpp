// concur plot: a results file's charts, drawn by gnuplot into SVG or PNG files.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/report_input.hpp"
#include "results/charts.hpp"
#include "results/gnuplot_runner.hpp"
#include "results/results_file.hpp"

namespace concur::cli {
namespace {

// A group or case name as part of a file name: rc4/size:262144 -> rc4-size-262144.
std::string file_part(const std::string& name) {
  std::string part;
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '_' || c == '-';
    if (plain) {
      part += c;
    } else if (!part.empty() && part.back() != '-') {
      part += '-';
    }
  }
  while (!part.empty() && part.back() == '-') part.pop_back();
  return part.empty() ? "chart" : part;
}

}  // namespace

int plot_command(const PlotCommandOptions& options) {
  const std::optional<ImageFormat> format = image_format(options.out);
  if (!format) {
    print_error("-o " + options.out.string() + ": expected a file name ending in .svg or .png");
    return exit_usage;
  }
  std::vector<ChartKind> kinds;
  if (options.chart == "all") {
    kinds = {ChartKind::speedup, ChartKind::timeline, ChartKind::outcomes};
  } else {
    for (const ChartKind k : {ChartKind::speedup, ChartKind::timeline, ChartKind::outcomes}) {
      if (options.chart == chart_name(k)) kinds = {k};
    }
  }
  if (kinds.empty()) {
    print_error("--chart " + options.chart + ": expected speedup, timeline, outcomes or all");
    return exit_usage;
  }
  if (const std::string problem = results_path_problem(options.out); !problem.empty()) {
    print_error("-o " + options.out.string() + ": " + problem);
    return exit_usage;
  }
  if (!find_gnuplot()) {
    print_error(gnuplot_missing_message);
    return exit_usage;
  }
  const std::optional<LoadedReport> loaded = load_report(options.file, options.baseline, NoiseLimits{});
  if (!loaded) return exit_usage;
  if (!options.case_name.empty() && !loaded->data.find_case(options.case_name)) {
    print_error("--case " + options.case_name + ": no such case in " + options.file.string() +
                "; expected a name such as loiter/threads/workers:3");
    return exit_usage;
  }

  const std::vector<ChartPlan> charts = plan_charts(loaded->report, loaded->data, kinds, options.case_name);
  if (charts.empty()) {
    print_error(options.file.string() + ": nothing to draw for --chart " + options.chart +
                " (timeline: a loiter or downloads case with a timeline; outcomes: a downloads group with ok, "
                "not_found and error counters)");
    return exit_usage;
  }
  // One chart goes where -o says; several go beside it, each named for its kind and subject.
  for (const ChartPlan& chart : charts) {
    std::filesystem::path file = options.out;
    if (charts.size() > 1) {
      file.replace_filename(options.out.stem().string() + "-" + chart_name(chart.kind) + "-" + file_part(chart.subject) +
                            options.out.extension().string());
    }
    draw_chart(chart, file, *format);
    std::cout << file.string() << '\n';
  }
  return exit_ok;
}

}  // namespace concur::cli
