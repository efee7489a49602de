// concur report's output formats, each written by its own file; the cells and notes they share.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "results/scaling_table.hpp"

namespace concur {

enum class ReportFormat { table, markdown, csv, json, html };
std::optional<ReportFormat> parse_report_format(const std::string& name);

// A chart for the html report: its title and a whole SVG document.
struct ReportChart {
  std::string title;
  std::string svg;
};

void write_report_table(std::ostream& out, const ScalingReport& report);     // report_table.cpp
void write_report_markdown(std::ostream& out, const ScalingReport& report);  // report_markdown.cpp
void write_report_csv(std::ostream& out, const ScalingReport& report);       // report_csv.cpp
void write_report_json(std::ostream& out, const ScalingReport& report);      // report_json.cpp
// One self-contained page: inline CSS, the tables, the charts inline.
void write_report_html(std::ostream& out, const ScalingReport& report, const std::vector<ReportChart>& charts);

// What table, markdown and html share (report_cells.cpp).
std::vector<std::string> report_header(const ScalingReport& report);
// The cells of a row; a failed case has its reason in the third and nothing after.
std::vector<std::string> report_cells(const ScalingRow& row);
std::string group_title(const ScalingGroup& group);  // "rc4 (jobs=12 size=262144), 12 tasks a batch"
std::string summary_text(const StrategySummary& summary);  // "threads: best 2 workers (61 ms), knee at 2 (2 -> 3: +1.2%)"
std::string warning_text(const ScalingRow& row);  // its warnings joined: "<warning>; <warning>"
std::vector<std::string> warning_lines(const ScalingGroup& group);  // one per noisy case: "<case>: <warning text>"
std::vector<std::string> report_notes(const ScalingReport& report, const ScalingGroup& group);

}  // namespace concur
