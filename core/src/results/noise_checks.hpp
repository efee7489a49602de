// Warnings on a case's repetition times that make its median untrustworthy: spread, outliers, too few.
#pragma once

#include <string>
#include <vector>

namespace concur {

struct NoiseLimits {
  double max_cv = 0.05;            // coefficient of variation (sample stddev / mean) above this is noisy
  double max_modified_z = 3.5;     // Iglewicz and Hoaglin's outlier cut-off for |M|
  // ... and an outlier is also this far from the median: when most times are
  // equal, M flags a repetition 0.2% off, which says nothing of the median.
  double min_outlier_deviation = 0.01;
  std::size_t min_repetitions = 5;  // fewer and neither check above means much
};

// M_i = 0.6745 (x_i - median) / MAD; when the MAD is 0 (more than half the
// times equal), the mean absolute deviation stands in: M_i = (x_i - median) /
// (1.253314 MeanAD). All 0 when every time is the same.
std::vector<double> modified_z_scores(const std::vector<double>& times);

// One line per problem, without the case's name: "cv 7.2% > 5%",
// "repetition 3 (1.92 s) is an outlier (M = 5.1)", "3 repetitions < 5".
std::vector<std::string> noise_warnings(const std::vector<double>& times, const NoiseLimits& limits);

}  // namespace concur
