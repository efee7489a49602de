// The cells, titles and notes every report format shares, so that they say the same.
#include "results/report_formats.hpp"

#include <cstdio>

#include "results/figure_text.hpp"
#include "util/units.hpp"

namespace concur {

std::optional<ReportFormat> parse_report_format(const std::string& name) {
  if (name == "table") return ReportFormat::table;
  if (name == "markdown") return ReportFormat::markdown;
  if (name == "csv") return ReportFormat::csv;
  if (name == "json") return ReportFormat::json;
  if (name == "html") return ReportFormat::html;
  return std::nullopt;
}

std::vector<std::string> report_header(const ScalingReport& report) {
  return {"strategy", "workers", "time", "min", "max", "reps", "speedup", "vs " + report.baseline, "ideal",
          "efficiency"};
}

std::vector<std::string> report_cells(const ScalingRow& row) {
  std::vector<std::string> cells{row.strategy, std::to_string(row.workers) + (row.over_cores ? "*" : "")};
  if (!row.error.empty()) {
    cells.push_back("FAILED: " + row.error);
    return cells;
  }
  cells.insert(cells.end(), {format_seconds(row.median), format_seconds(row.min), format_seconds(row.max),
                             std::to_string(row.repetitions), format_factor(row.speedup),
                             format_factor(row.vs_baseline), row.ideal ? format_seconds(*row.ideal) : "-",
                             format_percent(row.efficiency)});
  return cells;
}

std::string group_title(const ScalingGroup& group) {
  std::string title = group.group;
  if (!group.params.empty()) title += " (" + group.params + ")";
  if (group.batch_tasks) title += ", " + std::to_string(*group.batch_tasks) + " tasks a batch";
  return title;
}

std::string summary_text(const StrategySummary& s) {
  std::string text = s.strategy + ": best " + std::to_string(s.best_workers) + " workers (" +
                     format_seconds(s.best_median) + "), ";
  if (!s.knee) return text + "no knee (every step gains 5% or more)";
  char gain[32];
  std::snprintf(gain, sizeof gain, "%+.1f%%", s.knee_step_gain * 100);
  return text + "knee at " + std::to_string(*s.knee) + " workers (" + std::to_string(*s.knee) + " -> " +
         std::to_string(s.knee_next) + ": " + gain + ")";
}

std::string warning_text(const ScalingRow& row) {
  std::string text;
  for (const std::string& w : row.warnings) text.append(text.empty() ? "" : "; ").append(w);
  return text;
}

std::vector<std::string> warning_lines(const ScalingGroup& group) {
  std::vector<std::string> lines;
  for (const ScalingRow& r : group.rows) {
    if (!r.warnings.empty()) lines.push_back(r.name + ": " + warning_text(r));
  }
  return lines;
}

std::vector<std::string> report_notes(const ScalingReport& report, const ScalingGroup& group) {
  std::vector<std::string> notes{
      "time: median of the repetitions, min and max beside it; speedup: vs the same strategy's fewest workers; vs " +
      report.baseline + ": vs " + report.baseline + "'s fewest workers; efficiency: ideal / time"};
  notes.push_back("ideal: " + (group.ideal.empty() ? std::string("none known for this workload") : group.ideal));
  bool over = false;
  for (const ScalingRow& r : group.rows) over |= r.over_cores;
  if (over) {
    notes.push_back("* more workers than the " + std::to_string(report.cores) +
                    " cores: CPU-bound work cannot scale past " + std::to_string(report.cores) + " here");
  }
  return notes;
}

}  // namespace concur
