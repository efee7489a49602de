// The console format: per group a "workers / time / speedup factor" table, as the original experiments printed them.
#include <algorithm>
#include <iomanip>

#include "results/report_formats.hpp"

namespace concur {

void write_report_table(std::ostream& out, const ScalingReport& report) {
  const std::vector<std::string> header = report_header(report);
  for (const ScalingGroup& g : report.groups) {
    std::vector<std::vector<std::string>> lines{header};
    for (const ScalingRow& r : g.rows) lines.push_back(report_cells(r));
    std::vector<std::size_t> width(header.size(), 0);
    for (const auto& cells : lines) {
      // A failure's reason runs on past the columns; it does not widen them.
      const std::size_t measured = cells.size() == header.size() ? cells.size() : 2;
      for (std::size_t i = 0; i < measured; ++i) width[i] = std::max(width[i], cells[i].size());
    }
    out << '\n' << group_title(g) << '\n';
    for (const auto& cells : lines) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i == 0) {
          out << std::left << std::setw(static_cast<int>(width[0])) << cells[0] << std::right;
        } else if (cells.size() != header.size() && i == 2) {
          out << "  " << cells[i];
        } else {
          out << "  " << std::setw(static_cast<int>(width[i])) << cells[i];
        }
      }
      out << '\n';
    }
    for (const StrategySummary& s : g.strategies) out << "  " << summary_text(s) << '\n';
    for (const std::string& w : warning_lines(g)) out << "  warning: " << w << '\n';
    for (const std::string& n : report_notes(report, g)) out << "  " << n << '\n';
  }
}

}  // namespace concur
