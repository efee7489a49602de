// The markdown format: per group a heading, a pipe table and the summary lines, for a pull request or a wiki.
#include "results/report_formats.hpp"

namespace concur {
namespace {

// A pipe inside a cell (a failure's reason) would end it.
std::string cell(std::string text) {
  for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.replace(at, 1, "\\|");
  return text;
}

void table_line(std::ostream& out, const std::vector<std::string>& cells, std::size_t columns) {
  out << '|';
  for (std::size_t i = 0; i < columns; ++i) out << ' ' << (i < cells.size() ? cell(cells[i]) : "") << " |";
  out << '\n';
}

}  // namespace

void write_report_markdown(std::ostream& out, const ScalingReport& report) {
  const std::vector<std::string> header = report_header(report);
  out << "# concur report: " << (report.suite.empty() ? report.source : report.suite) << '\n';
  for (const ScalingGroup& g : report.groups) {
    out << "\n## " << cell(group_title(g)) << "\n\n";
    table_line(out, header, header.size());
    out << "|---|";
    for (std::size_t i = 1; i < header.size(); ++i) out << "---:|";
    out << '\n';
    for (const ScalingRow& r : g.rows) table_line(out, report_cells(r), header.size());
    out << '\n';
    for (const StrategySummary& s : g.strategies) out << "- " << summary_text(s) << '\n';
    for (const std::string& w : warning_lines(g)) out << "- **warning**: " << w << '\n';
    for (const std::string& n : report_notes(report, g)) out << "- " << n << '\n';
  }
}

}  // namespace concur
