// RunReporter: receives Google Benchmark's runs, prints one progress line per case and keeps every run.
#pragma once

#include <benchmark/benchmark.h>

#include <ostream>
#include <vector>

namespace concur {

// Replaces Google Benchmark's console reporter: its header warns about the
// Debian library's DEBUG build, which is irrelevant for whole-batch iterations
// and would mislead users (DESIGN pitfall 9).
class RunReporter final : public benchmark::BenchmarkReporter {
 public:
  using Run = benchmark::BenchmarkReporter::Run;

  explicit RunReporter(std::ostream& progress) : progress_(progress) {}

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;

  const std::vector<Run>& runs() const { return runs_; }
  // Google Benchmark's machine facts, captured from the context.
  int num_cpus() const { return num_cpus_; }
  double mhz_per_cpu() const { return mhz_per_cpu_; }
  bool cpu_scaling_enabled() const { return scaling_; }
  const std::vector<double>& load_avg() const { return load_avg_; }
  const std::vector<benchmark::CPUInfo::CacheInfo>& caches() const { return caches_; }

 private:
  std::ostream& progress_;
  std::vector<Run> runs_;
  int num_cpus_ = 0;
  double mhz_per_cpu_ = 0;
  bool scaling_ = false;
  std::vector<double> load_avg_;
  std::vector<benchmark::CPUInfo::CacheInfo> caches_;
};

// Seconds per iteration of a run, whatever unit it was reported in.
double real_seconds(const benchmark::BenchmarkReporter::Run& run);
double cpu_seconds(const benchmark::BenchmarkReporter::Run& run);

}  // namespace concur
