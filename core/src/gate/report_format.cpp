#include "gate/report_format.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "util/units.hpp"

namespace concur {
namespace {

using nlohmann::json;

std::string printf_text(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string time_text(double ns, std::size_t n) { return n == 0 ? "-" : format_seconds(ns / 1e9); }
std::string percent(double fraction) { return printf_text("%+.1f%%", fraction * 100); }

std::string change_text(const GateRow& row) {
  if (!row.timed()) return "-";
  std::string text = percent(row.change);
  if (row.change_low && row.change_high) text += " [" + percent(*row.change_low) + ", " + percent(*row.change_high) + "]";
  return text;
}

std::string p_text(const GateRow& row) { return row.timed() ? printf_text("%.3g", row.p_value) : "-"; }

std::string threshold_text(const GateRow& row) {
  return printf_text("%.3g%%", row.threshold.value * 100) + " (" + row.threshold.source + ")";
}

std::string summary(const GateReport& report) {
  std::string text;
  for (const auto& [verdict, one, many] :
       {std::tuple{Verdict::regression, "regression", "regressions"}, {Verdict::improvement, "improvement", "improvements"},
        {Verdict::unchanged, "unchanged", "unchanged"}, {Verdict::added, "added", "added"},
        {Verdict::removed, "removed", "removed"}, {Verdict::error, "error", "errors"}}) {
    const std::size_t n = report.count(verdict);
    text += (text.empty() ? "" : ", ") + std::to_string(n) + " " + (n == 1 ? one : many);
  }
  return text;
}

std::string how(const GateReport& report) {
  std::string text = report.method + "; a change counts when p < " + printf_text("%g", report.alpha) +
                     " and it is beyond the benchmark's threshold";
  if (report.confidence > 0) text += "; [interval] at " + printf_text("%.3g", report.confidence * 100) + "% confidence";
  return text;
}

// Regressions and errors first: what a reader of a failed job looks for; unchanged last.
int rank(Verdict verdict) {
  switch (verdict) {
    case Verdict::regression: return 0;
    case Verdict::error: return 1;
    case Verdict::improvement: return 2;
    case Verdict::added: return 3;
    case Verdict::removed: return 4;
    case Verdict::unchanged: return 5;
  }
  return 6;
}

std::vector<const GateRow*> ordered(const GateReport& report) {
  std::vector<const GateRow*> rows;
  for (const GateRow& r : report.rows) rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(), [](const GateRow* a, const GateRow* b) { return rank(a->verdict) < rank(b->verdict); });
  return rows;
}

std::vector<std::string> cells(const GateRow& row) {
  return {to_string(row.verdict),
          row.name,
          time_text(row.base_real_ns, row.base_n),
          time_text(row.new_real_ns, row.new_n),
          change_text(row),
          p_text(row),
          threshold_text(row),
          time_text(row.base_cpu_ns, row.base_n) + " -> " + time_text(row.new_cpu_ns, row.new_n),
          std::to_string(row.base_n) + "/" + std::to_string(row.new_n),
          row.note};
}

std::vector<std::string> headers(const GateReport& report) {
  const bool ab = report.command == "ab";
  return {"verdict", "benchmark", ab ? "A real" : "base real", ab ? "B real" : "new real", ab ? "B/A" : "change", "p",
          "threshold", "cpu", ab ? "rounds" : "n", "note"};
}

std::string markdown_cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string report_text(const GateReport& report) {
  std::ostringstream out;
  out << "concur " << report.command << ": " << report.base_label << " -> " << report.new_label << '\n'
      << how(report) << "\n\n";
  std::vector<std::vector<std::string>> table{headers(report)};
  for (const GateRow* row : ordered(report)) table.push_back(cells(*row));
  std::vector<std::size_t> width(table.front().size(), 0);
  for (const auto& line : table) {
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  for (const auto& line : table) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << '\n';
  }
  if (!report.warnings.empty()) {
    out << '\n';
    for (const std::string& w : report.warnings) out << "warning: " << w << '\n';
  }
  out << '\n' << summary(report) << '\n';
  return out.str();
}

std::string report_markdown(const GateReport& report) {
  std::ostringstream out;
  const char* mark = gate_exit_code(report) == 0 ? ":white_check_mark:" : ":x:";
  out << "### " << mark << " concur " << report.command << ": " << summary(report) << "\n\n"
      << "`" << markdown_cell(report.base_label) << "` → `" << markdown_cell(report.new_label) << "`. "
      << markdown_cell(how(report)) << ".\n\n";
  const std::vector<std::string> head = headers(report);
  out << '|';
  for (const std::string& h : head) out << ' ' << h << " |";
  out << "\n|";
  for (std::size_t i = 0; i < head.size(); ++i) out << (i >= 2 && i <= 5 ? "---:|" : "---|");
  out << '\n';
  for (const GateRow* row : ordered(report)) {
    std::vector<std::string> line = cells(*row);
    if (row->verdict == Verdict::regression || row->verdict == Verdict::error) line[0] = "**" + line[0] + "**";
    line[1] = "`" + line[1] + "`";
    out << '|';
    for (const std::string& c : line) out << ' ' << markdown_cell(c) << " |";
    out << '\n';
  }
  if (!report.warnings.empty()) {
    out << "\n> [!WARNING]\n";
    for (const std::string& w : report.warnings) out << "> " << markdown_cell(w) << "<br>\n";
  }
  return out.str();
}

json report_json(const GateReport& report) {
  json rows = json::array();
  for (const GateRow& r : report.rows) {
    json row{{"name", r.name},
             {"verdict", to_string(r.verdict)},
             {"base", {{"n", r.base_n}, {"real_median_ns", r.base_real_ns}, {"cpu_median_ns", r.base_cpu_ns}}},
             {"new", {{"n", r.new_n}, {"real_median_ns", r.new_real_ns}, {"cpu_median_ns", r.new_cpu_ns}}},
             {"threshold", r.threshold.value},
             {"threshold_source", r.threshold.source}};
    if (r.timed()) {
      row["change"] = r.change;
      row["p_value"] = r.p_value;
      if (r.change_low && r.change_high) row["change_interval"] = {*r.change_low, *r.change_high};
    }
    if (!r.note.empty()) row["note"] = r.note;
    rows.push_back(std::move(row));
  }
  json counts;
  for (Verdict v : {Verdict::regression, Verdict::improvement, Verdict::unchanged, Verdict::added, Verdict::removed,
                    Verdict::error}) {
    counts[to_string(v)] = report.count(v);
  }
  json doc{{"command", report.command}, {"base", report.base_label},  {"new", report.new_label},
           {"method", report.method},   {"alpha", report.alpha},      {"counts", counts},
           {"benchmarks", rows},        {"warnings", report.warnings}, {"exit_code", gate_exit_code(report)}};
  if (report.confidence > 0) doc["confidence"] = report.confidence;
  return doc;
}

std::string format_report(const GateReport& report, std::string_view format) {
  if (format == "text") return report_text(report);
  if (format == "markdown") return report_markdown(report);
  if (format == "json") return report_json(report).dump(2) + "\n";
  throw std::invalid_argument("unknown format '" + std::string(format) + "'; expected text, markdown or json");
}

}  // namespace concur
