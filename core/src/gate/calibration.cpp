#include "gate/calibration.hpp"

#include <algorithm>
#include <cmath>

#include "util/statistics.hpp"

namespace concur {
namespace {

// Relative standard error of a median, from the median absolute deviation
// (robust to the odd outlier repetition): 1.4826 MAD estimates the standard
// deviation of normal data, and a median's standard error is 1.2533 sd / sqrt(n).
double median_spread(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  const double m = median(values);
  if (m <= 0) return 0;
  std::vector<double> deviations;
  for (double v : values) deviations.push_back(std::fabs(v - m));
  return 1.2533 * 1.4826 * median(deviations) / m / std::sqrt(static_cast<double>(values.size()));
}

}  // namespace

Calibration measure_noise(const std::vector<SamplesFile>& runs, const CalibrationOptions& options) {
  Calibration result;
  if (runs.empty()) return result;
  for (const BenchmarkSamples& last : runs.back().benchmarks) {
    BenchmarkNoise noise;
    noise.run_name = last.run_name;
    std::vector<double> spreads;
    bool usable = true;
    for (const SamplesFile& run : runs) {
      const BenchmarkSamples* b = run.find(last.run_name);
      if (!b || !b->error.empty() || b->real_ns.empty()) {
        usable = false;
        break;
      }
      noise.run_medians_ns.push_back(median(b->real_ns));
      spreads.push_back(median_spread(b->real_ns));
    }
    if (!usable) {
      result.skipped.push_back(last.run_name);
      continue;
    }
    const auto [low, high] = std::minmax_element(noise.run_medians_ns.begin(), noise.run_medians_ns.end());
    const double centre = median(noise.run_medians_ns);
    noise.between_runs = centre > 0 ? (*high - *low) / centre : 0;
    noise.within_run = median(spreads);
    noise.threshold = std::max(options.floor, options.k * std::max(noise.between_runs, noise.within_run));
    result.benchmarks.push_back(std::move(noise));
  }
  return result;
}

nlohmann::json calibration_json(const Calibration& calibration, const CalibrationOptions& options, std::size_t runs) {
  nlohmann::json thresholds = nlohmann::json::object(), noise = nlohmann::json::object();
  for (const BenchmarkNoise& b : calibration.benchmarks) {
    thresholds[b.run_name] = b.threshold;
    noise[b.run_name] = {{"run_medians_ns", b.run_medians_ns},
                         {"between_runs", b.between_runs},
                         {"within_run", b.within_run}};
  }
  return {{"runs", runs},
          {"method",
           "A/A: the suite run " + std::to_string(runs) +
               " times unchanged; per benchmark, between_runs = (largest - smallest real_time median of a run) / "
               "their median, within_run = the runs' median of 1.2533 x 1.4826 MAD / median / sqrt(repetitions) "
               "(a median's standard error); threshold = max(floor, k x max(between_runs, within_run))"},
          {"k", options.k},
          {"floor", options.floor},
          {"baseline", "the benchmarks are the last run's, unchanged"},
          {"thresholds", thresholds},
          {"noise", noise},
          {"skipped", calibration.skipped}};
}

}  // namespace concur
