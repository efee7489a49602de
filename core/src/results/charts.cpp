#include "results/charts.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <string_view>

#include "results/figure_text.hpp"
#include "results/gnuplot_runner.hpp"
#include "util/statistics.hpp"
#include "util/temp_dir.hpp"

namespace concur {
namespace {

// A label inside gnuplot data: double-quoted, with no quote of its own to end it early.
std::string data_label(std::string text) {
  std::replace(text.begin(), text.end(), '"', '\'');
  return '"' + text + '"';
}

// The points of one line: "workers value" per line, then the two blank lines that end a gnuplot index.
using Points = std::vector<std::pair<unsigned, double>>;
void add_block(std::string& data, const Points& points) {
  for (const auto& [x, y] : points) data += std::to_string(x) + ' ' + plain_number(y) + '\n';
  data += "\n\n";
}

std::optional<ChartPlan> speedup_chart(const ScalingReport& report, const ScalingGroup& g) {
  const bool has_baseline = std::any_of(g.rows.begin(), g.rows.end(), [&](const ScalingRow& r) {
    return r.strategy == report.baseline && r.vs_baseline;
  });
  const auto value = [&](const ScalingRow& r) { return has_baseline ? r.vs_baseline : r.speedup; };

  std::vector<std::string> strategies;
  std::map<std::string, Points> lines;
  for (const ScalingRow& r : g.rows) {
    if (!value(r)) continue;
    if (!lines.count(r.strategy)) strategies.push_back(r.strategy);
    lines[r.strategy].push_back({r.workers, *value(r)});
  }
  if (strategies.empty()) return std::nullopt;

  // The ideal speedup at each worker count: the reference's ideal time over the count's.
  std::map<unsigned, double> ideal;
  for (const ScalingRow& r : g.rows) {
    if (!r.ideal || *r.ideal <= 0) continue;
    const std::string& reference_strategy = has_baseline ? report.baseline : r.strategy;
    const ScalingRow* reference = nullptr;
    for (const ScalingRow& o : g.rows) {
      if (o.strategy == reference_strategy && o.ideal && (!reference || o.workers < reference->workers)) reference = &o;
    }
    if (reference) ideal.emplace(r.workers, *reference->ideal / *r.ideal);
  }

  ChartPlan chart;
  chart.kind = ChartKind::speedup;
  chart.subject = g.group;
  chart.title = "speedup: " + g.group;
  std::string plot;
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    add_block(chart.data, lines[strategies[i]]);
    plot += std::string(plot.empty() ? "" : ", ") + "datafile index " + std::to_string(i) +
            " using 1:2 with linespoints lw 2 pt 7 title " + gnuplot_quoted(strategies[i]);
  }
  if (!ideal.empty()) {
    add_block(chart.data, Points(ideal.begin(), ideal.end()));
    plot += ", datafile index " + std::to_string(strategies.size()) +
            " using 1:2 with lines dashtype 2 lw 2 lc rgb 'black' title 'ideal'";
  }
  unsigned most = 1;
  for (const ScalingRow& r : g.rows) most = std::max(most, r.workers);
  chart.commands = "set title " + gnuplot_quoted(chart.title) + "\nset xlabel 'workers'\nset ylabel " +
                   gnuplot_quoted(has_baseline ? "speedup vs " + report.baseline
                                               : "speedup vs the strategy's fewest workers") +
                   "\nset key top left\nset grid\nset xrange [0:" + std::to_string(most + 1) +
                   "]\nset yrange [0:*]\nset offsets 0, 0, graph 0.05, 0\nplot " + plot + '\n';
  return chart;
}

std::optional<ChartPlan> timeline_chart(const Timeline& line) {
  if (line.tasks.empty()) return std::nullopt;
  ChartPlan chart;
  chart.kind = ChartKind::timeline;
  chart.subject = line.name;
  chart.title = "timeline: " + line.name + " (last batch";
  if (line.batch_tasks && *line.batch_tasks > line.tasks.size()) {
    chart.title += ", first " + std::to_string(line.tasks.size()) + " of " + std::to_string(*line.batch_tasks) + " tasks";
  }
  chart.title += ")";
  // One block per status, so each gets its colour and its key entry; a
  // status the file names otherwise is drawn as an error.
  struct Look {
    std::string_view status, colour, title;
  };
  static constexpr Look looks[] = {
      {"ok", "#3a7d44", "ok"}, {"not_found", "#8a8a8a", "not found"}, {"error", "#c0392b", "error"}};
  const auto look_of = [](const std::string& status) {
    for (const Look& look : looks) {
      if (look.status == status) return &look;
    }
    return &looks[2];
  };
  std::string plot;
  unsigned block = 0, lanes = 0;
  for (const Look& look : looks) {
    std::string rows;
    for (const TaskSpan& t : line.tasks) {
      lanes = std::max(lanes, t.worker + 1);
      if (look_of(t.status) == &look) {
        rows += std::to_string(t.worker) + ' ' + plain_number(t.start_ms) + ' ' + plain_number(t.end_ms) + '\n';
      }
    }
    if (rows.empty()) continue;
    chart.data += rows + "\n\n";
    plot += std::string(plot.empty() ? "" : ", ") + "datafile index " + std::to_string(block++) +
            " using (($2+$3)/2):1:2:3:($1-0.4):($1+0.4) with boxxyerror fs solid 0.8 border lc rgb 'white' fc rgb '" +
            std::string(look.colour) + "' title '" + std::string(look.title) + "'";
  }
  // A lane per worker: each labelled while they are few enough to read.
  chart.commands = "set title " + gnuplot_quoted(chart.title) +
                   "\nset xlabel 'time since the batch started (ms)'\nset ylabel 'worker'\nset yrange [-0.6:" +
                   std::to_string(lanes) + "-0.4]\n" + (lanes <= 32 ? "set ytics 1\n" : "") +
                   "set xrange [0:*]\nset grid x\nset key outside right\nplot " + plot + '\n';
  return chart;
}

std::optional<ChartPlan> outcomes_chart(const ScalingGroup& g, const ResultsData& data) {
  std::string rows;
  std::size_t bars = 0;
  for (const ScalingRow& r : g.rows) {
    const RecordedCase* c = data.find_case(r.name);
    if (!c || c->counters.empty()) continue;
    // Each batch's tally, as the mean over the repetitions.
    std::string line = data_label(r.strategy + " x" + std::to_string(r.workers));
    bool counted = false;
    for (const char* key : {"ok", "not_found", "error"}) {
      std::vector<double> values;
      for (const auto& counters : c->counters) {
        if (const auto v = counters.find(key); v != counters.end()) values.push_back(v->second);
      }
      counted |= !values.empty();
      line += ' ' + plain_number(mean(values));
    }
    if (counted) {
      rows += line + '\n';
      ++bars;
    }
  }
  if (rows.empty()) return std::nullopt;
  ChartPlan chart;
  chart.kind = ChartKind::outcomes;
  chart.subject = g.group;
  chart.title = "outcomes: " + g.group + " (per batch, mean of the repetitions)";
  chart.data = rows;
  chart.commands = "set title " + gnuplot_quoted(chart.title) +
                   "\nset ylabel 'requests'\nset style data histograms\nset style histogram rowstacked\n"
                   "set style fill solid 0.8 border -1\nset boxwidth 0.6\nset xrange [-0.6:" + std::to_string(bars) +
                   "-0.4]\nset yrange [0:*]\nset grid y\n"
                   "set key outside right\nset xtics rotate by -30\n"
                   "plot datafile using 2:xtic(1) lc rgb '#3a7d44' title 'ok', '' using 3 lc rgb '#8a8a8a' title "
                   "'not found', '' using 4 lc rgb '#c0392b' title 'error'\n";
  return chart;
}

}  // namespace

const char* chart_name(ChartKind kind) {
  switch (kind) {
    case ChartKind::speedup: return "speedup";
    case ChartKind::timeline: return "timeline";
    case ChartKind::outcomes: return "outcomes";
  }
  return "?";
}

std::vector<ChartPlan> plan_charts(const ScalingReport& report, const ResultsData& data,
                                   const std::vector<ChartKind>& kinds, const std::string& case_name) {
  std::vector<ChartPlan> charts;
  const auto add = [&](std::optional<ChartPlan> chart) {
    if (chart) charts.push_back(std::move(*chart));
  };
  for (const ChartKind kind : kinds) {
    if (kind == ChartKind::timeline) {
      for (const Timeline& line : data.timelines) {
        const RecordedCase* c = data.find_case(line.name);
        if (!c || (c->workload != "loiter" && c->workload != "downloads")) continue;
        if (case_name.empty() || line.name == case_name) add(timeline_chart(line));
      }
      continue;
    }
    for (const ScalingGroup& g : report.groups) {
      if (kind == ChartKind::speedup) add(speedup_chart(report, g));
      if (kind == ChartKind::outcomes && g.workload == "downloads") add(outcomes_chart(g, data));
    }
  }
  return charts;
}

std::optional<ImageFormat> image_format(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".svg") return ImageFormat::svg;
  if (extension == ".png") return ImageFormat::png;
  return std::nullopt;
}

void draw_chart(const ChartPlan& chart, const std::filesystem::path& output, ImageFormat format) {
  TempDir work("concur-plot-");
  const std::filesystem::path data_file = work.path() / "chart.dat";
  {
    std::ofstream out(data_file);
    out << chart.data;
    if (!out.flush()) throw std::runtime_error("cannot write " + data_file.string());
  }
  const std::string terminal = format == ImageFormat::svg
                                   ? "set terminal svg size 960,540 dynamic noenhanced font 'sans,12' background rgb 'white'"
                                   : "set terminal pngcairo size 960,540 noenhanced font 'sans,10'";
  run_gnuplot(terminal + "\nset output " + gnuplot_quoted(std::filesystem::absolute(output).string()) +
                  "\ndatafile = " + gnuplot_quoted(data_file.string()) + '\n' + chart.commands + "set output\n",
              work.path());
  std::error_code ec;
  if (std::filesystem::file_size(output, ec) == 0 || ec) {
    throw std::runtime_error("gnuplot wrote nothing to " + output.string());
  }
}

}  // namespace concur
