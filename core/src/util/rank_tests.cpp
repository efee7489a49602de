#include "util/rank_tests.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace concur {
namespace {

// Ranks 1..n, tied values sharing the average of their ranks; `ties` gets the size of each tied group (> 1).
std::vector<double> average_ranks(const std::vector<double>& values, std::vector<double>& ties) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const double rank = static_cast<double>(i + j + 1) / 2;  // average of i+1 .. j
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    if (j - i > 1) ties.push_back(static_cast<double>(j - i));
    i = j;
  }
  return ranks;
}

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// counts[u] = number of arrangements of n x's and m y's whose U is u, by
// f(n, m, u) = f(n-1, m, u-m) + f(n, m-1, u): additions only, so no
// cancellation in the tail where p lives.
std::vector<double> mann_whitney_counts(std::size_t n, std::size_t m) {
  const std::size_t top = n * m;
  // previous[j][u] = f(i-1, j, u); current[j][u] = f(i, j, u)
  std::vector<std::vector<double>> previous(m + 1, std::vector<double>(top + 1, 0.0)), current = previous;
  for (std::size_t j = 0; j <= m; ++j) previous[j][0] = 1;  // f(0, j, 0) = 1
  for (std::size_t i = 1; i <= n; ++i) {
    for (auto& row : current) std::fill(row.begin(), row.end(), 0.0);
    current[0][0] = 1;  // f(i, 0, 0) = 1
    for (std::size_t j = 1; j <= m; ++j) {
      for (std::size_t u = 0; u <= i * j; ++u) {
        current[j][u] = current[j - 1][u] + (u >= j ? previous[j][u - j] : 0.0);
      }
    }
    std::swap(previous, current);
  }
  return previous[m];
}

// counts[s] = number of subsets of the ranks 1..n summing to s: the null distribution of W+.
std::vector<double> signed_rank_counts(std::size_t n) {
  std::vector<double> counts(n * (n + 1) / 2 + 1, 0.0);
  counts[0] = 1;
  for (std::size_t r = 1; r <= n; ++r) {
    for (std::size_t s = counts.size() - 1; s >= r; --s) counts[s] += counts[s - r];
  }
  return counts;
}

double binomial(std::size_t n, std::size_t k) {
  double c = 1;
  for (std::size_t i = 1; i <= k; ++i) c = c * static_cast<double>(n - k + i) / static_cast<double>(i);
  return c;
}

}  // namespace

RankTest mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y) {
  RankTest result;
  const std::size_t n = x.size(), m = y.size();
  if (n == 0 || m == 0) return result;
  std::vector<double> both(x);
  both.insert(both.end(), y.begin(), y.end());
  std::vector<double> ties;
  const std::vector<double> ranks = average_ranks(both, ties);
  const double rank_sum_x = std::accumulate(ranks.begin(), ranks.begin() + static_cast<std::ptrdiff_t>(n), 0.0);
  const double nd = static_cast<double>(n), md = static_cast<double>(m);
  result.statistic = rank_sum_x - nd * (nd + 1) / 2;
  const double u_max = std::max(result.statistic, nd * md - result.statistic);

  if (ties.empty() && n * m <= 2500) {
    // U's distribution is the same with the samples swapped; the smaller one as m keeps the table small.
    const std::vector<double> counts = mann_whitney_counts(std::max(n, m), std::min(n, m));
    double tail = 0;  // arrangements with U >= u_max
    for (auto u = static_cast<std::size_t>(std::llround(u_max)); u < counts.size(); ++u) tail += counts[u];
    result.p_value = std::min(1.0, 2 * tail / binomial(n + m, n));
    result.exact = true;
    return result;
  }
  const double total = nd + md;
  double tie_term = 0;
  for (double t : ties) tie_term += t * t * t - t;
  const double variance = nd * md / 12 * ((total + 1) - tie_term / (total * (total - 1)));
  if (variance <= 0) return result;  // every value equal: nothing tells the samples apart
  const double z = (u_max - nd * md / 2 - 0.5) / std::sqrt(variance);
  result.p_value = std::min(1.0, 2 * normal_sf(z));
  return result;
}

double mann_whitney_min_p(std::size_t n, std::size_t m) {
  if (n == 0 || m == 0) return 1;
  return std::min(1.0, 2 / binomial(n + m, n));
}

RankTest wilcoxon_signed_rank(const std::vector<double>& differences) {
  RankTest result;
  std::vector<double> nonzero, magnitudes;
  for (double d : differences) {
    if (d == 0) continue;
    nonzero.push_back(d);
    magnitudes.push_back(std::fabs(d));
  }
  const std::size_t n = nonzero.size();
  if (n == 0) return result;
  std::vector<double> ties;
  const std::vector<double> ranks = average_ranks(magnitudes, ties);
  double plus = 0, minus = 0;
  for (std::size_t i = 0; i < n; ++i) (nonzero[i] > 0 ? plus : minus) += ranks[i];
  result.statistic = std::min(plus, minus);
  const double nd = static_cast<double>(n);

  if (ties.empty() && n <= 50) {
    const std::vector<double> counts = signed_rank_counts(n);
    double tail = 0;  // subsets with W+ <= statistic
    for (std::size_t s = 0; s <= static_cast<std::size_t>(std::llround(result.statistic)); ++s) tail += counts[s];
    result.p_value = std::min(1.0, 2 * tail / std::ldexp(1.0, static_cast<int>(n)));
    result.exact = true;
    return result;
  }
  double variance = nd * (nd + 1) * (2 * nd + 1);
  for (double t : ties) variance -= 0.5 * t * (t * t - 1);
  variance /= 24;
  if (variance <= 0) return result;
  const double z = (result.statistic - nd * (nd + 1) / 4) / std::sqrt(variance);
  result.p_value = std::min(1.0, 2 * normal_sf(std::fabs(z)));
  return result;
}

double wilcoxon_min_p(std::size_t n) { return std::min(1.0, 2 / std::ldexp(1.0, static_cast<int>(std::min<std::size_t>(n, 1000)))); }

LocationEstimate hodges_lehmann(const std::vector<double>& differences, double confidence) {
  LocationEstimate estimate;
  const std::size_t n = differences.size();
  if (n == 0) return estimate;
  std::vector<double> walsh;
  walsh.reserve(n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) walsh.push_back((differences[i] + differences[j]) / 2);
  }
  std::sort(walsh.begin(), walsh.end());
  const std::size_t total = walsh.size();
  estimate.value = total % 2 == 1 ? walsh[total / 2] : (walsh[total / 2 - 1] + walsh[total / 2]) / 2;

  // k: how many Walsh averages are cut off each side. Coverage is 1 - 2 P(T <= k-1).
  const double alpha = 1 - confidence;
  std::size_t k = 0;
  double coverage = 1;
  if (n <= 200) {
    const std::vector<double> counts = signed_rank_counts(n);
    const double all = std::ldexp(1.0, static_cast<int>(n));
    double below = 0;  // P(T <= k-1) for the next k
    for (std::size_t c = 0; c < counts.size(); ++c) {
      const double next = below + counts[c] / all;
      if (2 * next > alpha) break;
      below = next;
      k = c + 1;
    }
    coverage = 1 - 2 * below;
    if (k == 0) coverage = 1 - 2 * counts[0] / all;  // the whole range, at the level it has
  } else {
    const double nd = static_cast<double>(n);
    // z for a two-sided level: found by bisection on the normal tail, enough digits for an index.
    double lo = 0, hi = 10;
    for (int i = 0; i < 100; ++i) {
      const double mid = (lo + hi) / 2;
      (2 * normal_sf(mid) > alpha ? lo : hi) = mid;
    }
    const double sd = std::sqrt(nd * (nd + 1) * (2 * nd + 1) / 24);
    k = static_cast<std::size_t>(std::max(0.0, std::floor(nd * (nd + 1) / 4 - hi * sd)));
    coverage = confidence;
  }
  const std::size_t cut = std::max<std::size_t>(k, 1) - 1;
  estimate.low = walsh[cut];
  estimate.high = walsh[total - 1 - cut];
  estimate.confidence = coverage;
  return estimate;
}

}  // namespace concur
