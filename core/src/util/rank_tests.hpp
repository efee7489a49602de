// Rank tests that assume no distribution of the timings: Mann-Whitney U, Wilcoxon signed-rank, Hodges-Lehmann.
#pragma once

#include <cstddef>
#include <vector>

namespace concur {

struct RankTest {
  double statistic = 0;  // see each test
  double p_value = 1;    // two-sided
  bool exact = false;    // from the exact null distribution, not the normal approximation
};

// Two-sided Mann-Whitney U test of x against y, as scipy.stats.mannwhitneyu
// computes it. statistic: U of x (pairs with x > y, a tie counting half).
// Exact p when neither sample has ties and n*m <= 2500 (the exact
// distribution is then cheap and the normal one poor for small samples);
// otherwise the normal approximation with tie and continuity corrections.
// p = 1 when a sample is empty.
RankTest mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y);

// The smallest two-sided p the Mann-Whitney test can reach with n and m
// values: 2 / C(n+m, n) (0.1 for 3 against 3).
double mann_whitney_min_p(std::size_t n, std::size_t m);

// Two-sided Wilcoxon signed-rank test of paired differences against 0, as
// scipy.stats.wilcoxon with its defaults: zeros are dropped (Wilcoxon's
// method), statistic is the smaller of the positive and negative rank sums.
// Exact p when no |difference| is tied and at most 50 remain; otherwise the
// normal approximation with the tie correction and no continuity correction.
RankTest wilcoxon_signed_rank(const std::vector<double>& differences);

// The smallest two-sided p the signed-rank test can reach with n nonzero differences: 2 / 2^n.
double wilcoxon_min_p(std::size_t n);

struct LocationEstimate {
  double value = 0;       // Hodges-Lehmann: the median of the Walsh averages (d_i + d_j) / 2, i <= j
  double low = 0;         // the distribution-free confidence interval from the signed-rank distribution
  double high = 0;
  double confidence = 0;  // its actual level: the one asked for or more, or less when n is too small for it
};

// Hodges-Lehmann estimate of the centre of `differences` with its confidence
// interval [W_(k), W_(N+1-k)] over the N sorted Walsh averages, k the largest
// with 2 P(T <= k-1) <= 1 - confidence (exact T distribution up to 200
// differences, normal beyond). With too few differences for the level (5 or
// fewer at 95%) the interval is the whole range, at the level it has.
// All zeros for an empty list.
LocationEstimate hodges_lehmann(const std::vector<double>& differences, double confidence = 0.95);

}  // namespace concur
