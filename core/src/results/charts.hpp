// concur plot's charts: each one's data and gnuplot commands, and drawing it to an SVG or PNG file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "results/results_reader.hpp"
#include "results/scaling_table.hpp"

namespace concur {

enum class ChartKind { speedup, timeline, outcomes };
const char* chart_name(ChartKind kind);  // "speedup", "timeline", "outcomes"

// One chart, before it is drawn.
struct ChartPlan {
  ChartKind kind = ChartKind::speedup;
  std::string subject;   // the group (speedup, outcomes) or the case (timeline)
  std::string title;
  std::string data;      // gnuplot data: blocks separated by two blank lines, one per `index`
  std::string commands;  // set ... and plot ..., reading the data as `datafile`
};

// speedup: every group, one line per strategy against workers (vs the
// baseline when it ran in the group, else vs the strategy's fewest workers)
// and the ideal. timeline: every loiter or downloads case with a timeline
// (only `case_name` when it is not empty), a lane per worker. outcomes:
// every downloads group, ok / not found / error per case, stacked.
std::vector<ChartPlan> plan_charts(const ScalingReport& report, const ResultsData& data,
                                   const std::vector<ChartKind>& kinds, const std::string& case_name);

enum class ImageFormat { svg, png };
// From the file name's extension, .svg or .png.
std::optional<ImageFormat> image_format(const std::filesystem::path& file);

// Draws `chart` into `output` with gnuplot, its data and script in a
// temporary folder removed afterwards. Throws GnuplotMissing or
// std::runtime_error (gnuplot failed, or wrote nothing).
void draw_chart(const ChartPlan& chart, const std::filesystem::path& output, ImageFormat format);

}  // namespace concur
