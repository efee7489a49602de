#include "results/noise_checks.hpp"

#include <cmath>
#include <cstdio>

#include "util/statistics.hpp"
#include "util/units.hpp"

namespace concur {
namespace {

std::string fixed(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace

std::vector<double> modified_z_scores(const std::vector<double>& times) {
  std::vector<double> scores(times.size(), 0.0);
  if (times.empty()) return scores;
  const double m = median(times);
  std::vector<double> deviations;
  for (const double t : times) deviations.push_back(std::fabs(t - m));
  double scale = 0;
  if (const double mad = median(deviations); mad > 0) {
    scale = mad / 0.6745;
  } else {
    scale = 1.253314 * mean(deviations);
  }
  if (scale == 0) return scores;
  for (std::size_t i = 0; i < times.size(); ++i) scores[i] = (times[i] - m) / scale;
  return scores;
}

std::vector<std::string> noise_warnings(const std::vector<double>& times, const NoiseLimits& limits) {
  std::vector<std::string> warnings;
  if (times.size() < limits.min_repetitions) {
    warnings.push_back(std::to_string(times.size()) + " repetition" + (times.size() == 1 ? "" : "s") + " < " +
                       std::to_string(limits.min_repetitions));
  }
  if (const double cv = relative_stddev(times); cv > limits.max_cv) {
    warnings.push_back("cv " + fixed(cv * 100, 1) + "% > " + fixed(limits.max_cv * 100, 0) + "%");
  }
  const std::vector<double> scores = modified_z_scores(times);
  const double m = median(times);
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (std::fabs(scores[i]) > limits.max_modified_z && std::fabs(times[i] - m) > limits.min_outlier_deviation * m) {
      warnings.push_back("repetition " + std::to_string(i) + " (" + format_seconds(times[i]) + ") is an outlier (M = " +
                         fixed(scores[i], 1) + ")");
    }
  }
  return warnings;
}

}  // namespace concur
