// The csv format: one header line, then one line per case with plain numbers (seconds, factors, fractions) for spreadsheets.
#include "results/report_formats.hpp"

#include "results/figure_text.hpp"

namespace concur {
namespace {

// An empty cell for a figure there is none of.
std::string cell(const std::optional<double>& value) { return value ? plain_number(*value) : std::string(); }

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + '"';
}

}  // namespace

void write_report_csv(std::ostream& out, const ScalingReport& report) {
  out << "group,workload,strategy,workers,over_cores,repetitions,median_s,min_s,max_s,cv,speedup,speedup_vs_"
      << field(report.baseline) << ",ideal_s,efficiency,warnings,error\n";
  for (const ScalingGroup& g : report.groups) {
    for (const ScalingRow& r : g.rows) {
      const bool ok = r.error.empty();
      out << field(g.group) << ',' << field(g.workload) << ',' << field(r.strategy) << ',' << r.workers << ','
          << (r.over_cores ? 1 : 0) << ',' << r.repetitions << ',' << (ok ? plain_number(r.median) : "") << ','
          << (ok ? plain_number(r.min) : "") << ',' << (ok ? plain_number(r.max) : "") << ',' << (ok ? plain_number(r.cv) : "") << ','
          << cell(r.speedup) << ',' << cell(r.vs_baseline) << ',' << cell(r.ideal) << ','
          << cell(r.efficiency) << ',' << field(warning_text(r)) << ',' << field(r.error) << '\n';
    }
  }
}

}  // namespace concur
