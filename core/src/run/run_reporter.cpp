#include "run/run_reporter.hpp"

#include <algorithm>
#include <iomanip>

#include "util/statistics.hpp"
#include "util/units.hpp"

namespace concur {

double real_seconds(const benchmark::BenchmarkReporter::Run& run) {
  return run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
}

double cpu_seconds(const benchmark::BenchmarkReporter::Run& run) {
  return run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
}

bool RunReporter::ReportContext(const Context& context) {
  num_cpus_ = context.cpu_info.num_cpus;
  mhz_per_cpu_ = context.cpu_info.cycles_per_second / 1e6;
  scaling_ = context.cpu_info.scaling == benchmark::CPUInfo::ENABLED;
  load_avg_ = context.cpu_info.load_avg;
  caches_ = context.cpu_info.caches;
  return true;
}

void RunReporter::ReportRuns(const std::vector<Run>& runs) {
  std::vector<double> times;
  const Run* failed = nullptr;
  for (const Run& r : runs) {
    runs_.push_back(r);
    if (r.run_type != Run::RT_Iteration) continue;
    if (r.error_occurred) {
      failed = &r;
    } else {
      times.push_back(real_seconds(r));
    }
  }
  // Google Benchmark reports a case's aggregates in a second call: nothing to print for those.
  if (!failed && times.empty()) return;
  progress_ << std::left << std::setw(40) << runs.front().run_name.function_name << std::right;
  if (failed) {
    progress_ << "  FAILED: " << failed->error_message << '\n';
  } else {
    auto [lo, hi] = std::minmax_element(times.begin(), times.end());
    progress_ << "  median " << std::setw(10) << format_seconds(median(times)) << "  [" << format_seconds(*lo)
              << " .. " << format_seconds(*hi) << "]  x" << times.size() << '\n';
  }
  progress_.flush();
}

}  // namespace concur
