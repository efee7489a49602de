#include "results/case_figures.hpp"

#include <algorithm>
#include <map>

#include "run/run_reporter.hpp"
#include "util/statistics.hpp"

namespace concur {

std::vector<CaseFigures> case_figures(const SuiteRun& run) {
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < run.cases.size(); ++i) index_of[run.cases[i].name] = i;

  std::vector<CaseFigures> figures(run.cases.size());
  std::vector<std::vector<double>> startups(run.cases.size());
  for (const auto& r : run.runs) {
    if (r.run_type != benchmark::BenchmarkReporter::Run::RT_Iteration || r.error_occurred) continue;
    auto it = index_of.find(r.run_name.function_name);
    if (it == index_of.end()) continue;
    figures[it->second].times.push_back(real_seconds(r));
    if (auto c = r.counters.find("startup_seconds"); c != r.counters.end()) startups[it->second].push_back(c->second.value);
  }
  for (std::size_t i = 0; i < figures.size(); ++i) {
    CaseFigures& f = figures[i];
    if (!run.results[i].failure.empty()) f.times.clear();
    if (f.times.empty()) continue;
    f.median = median(f.times);
    if (!startups[i].empty()) f.startup_median = median(startups[i]);
    f.min = *std::min_element(f.times.begin(), f.times.end());
    f.max = *std::max_element(f.times.begin(), f.times.end());
    f.relative_stddev = relative_stddev(f.times);
  }

  for (std::size_t i = 0; i < figures.size(); ++i) {
    const Case& c = run.cases[i];
    if (figures[i].times.empty()) continue;
    const CaseFigures* baseline = nullptr;
    unsigned baseline_workers = 0;
    const CaseFigures* sequential = nullptr;
    for (std::size_t j = 0; j < figures.size(); ++j) {
      const Case& o = run.cases[j];
      if (o.entry != c.entry || figures[j].times.empty()) continue;
      if (o.strategy == c.strategy && (!baseline || o.workers < baseline_workers)) {
        baseline = &figures[j];
        baseline_workers = o.workers;
      }
      if (o.strategy == "sequential") sequential = &figures[j];
    }
    CaseFigures& f = figures[i];
    if (baseline && f.median > 0) {
      f.speedup = baseline->median / f.median;
      f.efficiency = *f.speedup * baseline_workers / c.workers;
    }
    if (sequential && f.median > 0) f.vs_sequential = sequential->median / f.median;
  }
  return figures;
}

}  // namespace concur
