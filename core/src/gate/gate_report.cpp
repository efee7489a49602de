#include "gate/gate_report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

namespace concur {

std::size_t GateReport::count(Verdict verdict) const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [&](const GateRow& r) { return r.verdict == verdict; }));
}

int gate_exit_code(const GateReport& report) {
  return report.count(Verdict::regression) > 0 || report.count(Verdict::error) > 0 ? 1 : 0;
}

void add_power_warnings(GateReport& report, const std::string& samples,
                        const std::function<double(std::size_t, std::size_t)>& min_p) {
  // Below 9 a side the rank tests are blunt: 3 against 3 cannot go under p = 0.1.
  constexpr std::size_t enough = 9;
  std::map<std::pair<std::size_t, std::size_t>, std::vector<GateRow*>> by_size;
  for (GateRow& row : report.rows) {
    if (row.timed() && std::min(row.base_n, row.new_n) < enough) by_size[{row.base_n, row.new_n}].push_back(&row);
  }
  for (const auto& [sizes, rows] : by_size) {
    const double smallest = min_p(sizes.first, sizes.second);
    const bool hopeless = smallest >= report.alpha;
    char p_text[32];
    std::snprintf(p_text, sizeof p_text, "%.3g", smallest);
    std::string line = std::to_string(rows.size()) + (rows.size() == 1 ? " benchmark (" : " benchmarks (") +
                       rows.front()->name + (rows.size() > 1 ? ", ..." : "") + ") with " + std::to_string(sizes.first) +
                       " and " + std::to_string(sizes.second) + " " + samples + ": fewer than " +
                       std::to_string(enough) + " give the test little power";
    if (hopeless) {
      line += "; it cannot reach significance (the smallest possible p is " + std::string(p_text) + ")";
      for (GateRow* row : rows) {
        if (row->note.empty()) row->note = "cannot reach significance with " + std::to_string(sizes.first) + " and " + std::to_string(sizes.second) + " " + samples;
      }
    }
    report.warnings.push_back(line);
  }
}

}  // namespace concur
