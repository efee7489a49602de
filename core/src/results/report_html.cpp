// The html format: one self-contained page (inline CSS, tables, SVG charts inline), a CI artifact that opens anywhere.
#include "results/report_formats.hpp"

namespace concur {
namespace {

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// An SVG document as an element of the page: its XML declaration and doctype
// have no place inside HTML, and each chart's ids (gnuplot names them all
// alike) get the chart's own prefix, so that ids stay unique in the page.
std::string inline_svg(const std::string& svg, const std::string& prefix) {
  const std::size_t start = svg.find("<svg");
  if (start == std::string::npos) return {};
  std::string out = svg.substr(start);
  for (const std::string quote : {"'", "\""}) {
    for (const auto& [from, to] : {std::pair{"id=" + quote, "id=" + quote + prefix},
                                   std::pair{"href=" + quote + "#", "href=" + quote + "#" + prefix}}) {
      for (std::size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) {
        out.replace(at, from.size(), to);
      }
    }
  }
  for (std::size_t at = out.find("url(#"); at != std::string::npos; at = out.find("url(#", at + 1)) {
    out.insert(at + 5, prefix);
  }
  return out;
}

constexpr const char* style = R"(body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}th,td{padding:.2em .7em;border-bottom:1px solid #ddd}
td{text-align:right;font-variant-numeric:tabular-nums}td:first-child,th:first-child{text-align:left}
td.failed{text-align:left;color:#b00}tr.over td:nth-child(2){color:#a60}
.warn{color:#b00}.note{color:#666;font-size:.9em}figure{margin:1em 0}svg{max-width:100%;height:auto})";

}  // namespace

void write_report_html(std::ostream& out, const ScalingReport& report, const std::vector<ReportChart>& charts) {
  const std::string title = "concur report: " + (report.suite.empty() ? report.source : report.suite);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << escaped(title)
      << "</title>\n<style>\n" << style << "\n</style>\n</head>\n<body>\n<h1>" << escaped(title) << "</h1>\n<p class=\"note\">"
      << escaped(report.source) << ", " << report.cores << " cores</p>\n";
  const std::vector<std::string> header = report_header(report);
  for (const ScalingGroup& g : report.groups) {
    out << "<h2>" << escaped(group_title(g)) << "</h2>\n<table>\n<tr>";
    for (const std::string& h : header) out << "<th>" << escaped(h) << "</th>";
    out << "</tr>\n";
    for (const ScalingRow& r : g.rows) {
      const std::vector<std::string> cells = report_cells(r);
      out << (r.over_cores ? "<tr class=\"over\">" : "<tr>");
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (cells.size() != header.size() && i == 2) {
          out << "<td class=\"failed\" colspan=\"" << header.size() - 2 << "\">" << escaped(cells[i]) << "</td>";
        } else {
          out << "<td>" << escaped(cells[i]) << "</td>";
        }
      }
      out << "</tr>\n";
    }
    out << "</table>\n<ul>\n";
    for (const StrategySummary& s : g.strategies) out << "<li>" << escaped(summary_text(s)) << "</li>\n";
    for (const std::string& w : warning_lines(g)) out << "<li class=\"warn\">warning: " << escaped(w) << "</li>\n";
    for (const std::string& n : report_notes(report, g)) out << "<li class=\"note\">" << escaped(n) << "</li>\n";
    out << "</ul>\n";
  }
  for (std::size_t i = 0; i < charts.size(); ++i) {
    const ReportChart& c = charts[i];
    out << "<figure>\n" << inline_svg(c.svg, "chart" + std::to_string(i) + "-") << "\n<figcaption>" << escaped(c.title) << "</figcaption>\n</figure>\n";
  }
  out << "</body>\n</html>\n";
}

}  // namespace concur
