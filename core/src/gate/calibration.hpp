// calibrate's measure: each benchmark's run-to-run noise over A/A runs, and the threshold that noise calls for.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/benchmark_samples.hpp"

namespace concur {

struct CalibrationOptions {
  double k = 2;          // threshold = max(floor, k x noise)
  double floor = 0.02;   // below 2% a change is within what a quiet machine drifts anyway
};

struct BenchmarkNoise {
  std::string run_name;
  std::vector<double> run_medians_ns;  // real_time median of each run
  double between_runs = 0;  // (largest - smallest run median) / their median
  double within_run = 0;    // a run's median's own spread: 1.2533 x 1.4826 MAD / median / sqrt(n), the runs' median
  double threshold = 0;     // max(floor, k x max(between_runs, within_run))
};

struct Calibration {
  std::vector<BenchmarkNoise> benchmarks;  // in the last run's order
  std::vector<std::string> skipped;        // failed in a run or missing from one: no threshold
};

// `runs`: the results of the same suite run again and again, unchanged (at least two).
Calibration measure_noise(const std::vector<SamplesFile>& runs, const CalibrationOptions& options);

// context.calibration: runs, the method in words, k, floor, thresholds {run_name: fraction}, and the noise behind each.
nlohmann::json calibration_json(const Calibration& calibration, const CalibrationOptions& options, std::size_t runs);

}  // namespace concur
