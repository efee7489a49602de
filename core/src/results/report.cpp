#include "results/report.hpp"

#include <cstdio>
#include <iomanip>

#include "results/case_figures.hpp"
#include "results/figure_text.hpp"
#include "suite/param_text.hpp"
#include "util/units.hpp"

namespace concur {
namespace {

std::string spread(const CaseFigures& f) {
  if (f.times.size() < 2) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", f.relative_stddev * 100);
  return buf;
}

}  // namespace

void print_report(std::ostream& out, const Suite& suite, const SuiteRun& run, unsigned online_cores) {
  const std::vector<CaseFigures> figures = case_figures(run);
  bool oversubscribed_any = false;
  std::string current_group;
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const Case& c = run.cases[i];
    if (c.group != current_group) {
      current_group = c.group;
      const WorkloadEntry& e = suite.entries[c.entry];
      out << '\n' << c.group << " (" << params_text(*find_workload_type(e.workload), e.params) << ")\n";
      out << std::left << std::setw(12) << "strategy" << std::right << std::setw(9) << "workers" << std::setw(12)
          << "median" << std::setw(9) << "stddev" << std::setw(10) << "speedup" << std::setw(10) << "vs seq"
          << std::setw(12) << "efficiency" << std::setw(11) << "start-up" << '\n';
    }
    const CaseFigures& f = figures[i];
    const bool over = c.workers > online_cores;
    oversubscribed_any |= over;
    out << std::left << std::setw(12) << c.strategy << std::right << std::setw(8) << c.workers << (over ? '*' : ' ');
    if (!run.results[i].failure.empty()) {
      out << "  FAILED: " << run.results[i].failure << '\n';
      continue;
    }
    out << std::setw(12) << format_seconds(f.median) << std::setw(10) << spread(f) << std::setw(10)
        << format_factor(f.speedup) << std::setw(10) << format_factor(f.vs_sequential) << std::setw(12)
        << format_percent(f.efficiency) << std::setw(11) << format_seconds(f.startup_median) << '\n';
  }
  out << "\nmedian of " << suite.repetitions << " repetitions; speedup vs the same strategy's fewest workers; "
      << "efficiency = speedup / worker ratio; start-up (Strategy::start) is "
      << (suite.startup == Startup::timed ? "inside" : "outside") << " the timed median\n";
  if (oversubscribed_any) {
    out << "* more workers than the " << online_cores << " online cores: CPU-bound scaling cannot go past "
        << online_cores << " here\n";
  }
}

}  // namespace concur
