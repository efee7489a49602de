// Small statistics over repetition times: median, spread.
#pragma once

#include <vector>

namespace concur {

double median(std::vector<double> values);  // 0 for an empty list
double mean(const std::vector<double>& values);
// Sample standard deviation relative to the mean (0 with fewer than two values).
double relative_stddev(const std::vector<double>& values);

}  // namespace concur
