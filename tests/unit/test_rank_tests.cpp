// Mann-Whitney U, Wilcoxon signed-rank and Hodges-Lehmann against scipy 1.10.1 (scipy.stats.mannwhitneyu, scipy.stats.wilcoxon).
#include <gtest/gtest.h>

#include <vector>

#include "util/rank_tests.hpp"

namespace concur {
namespace {

// Each expected figure was printed by scipy 1.10.1 for the same input, with
// the method (exact, asymptotic) the function under test picks for it.
TEST(MannWhitney, ExactForSmallSamplesWithoutTies) {
  RankTest r = mann_whitney_u({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 0.0);
  EXPECT_DOUBLE_EQ(r.p_value, 0.1);  // the smallest p 3 against 3 can give

  r = mann_whitney_u({1.1, 2.3, 3.7, 4.2, 5.9}, {2.0, 6.1, 7.4, 8.8, 9.5, 10.2});
  EXPECT_DOUBLE_EQ(r.statistic, 4.0);
  EXPECT_NEAR(r.p_value, 0.05194805194805195, 1e-12);

  r = mann_whitney_u({10.2, 11.5, 9.8, 10.9, 12.1, 10.4, 11.0, 9.9, 10.7, 11.3},
                     {12.5, 11.9, 13.2, 12.8, 11.4, 13.9, 12.2, 12.9, 13.5, 12.0});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 4.0);
  EXPECT_NEAR(r.p_value, 0.00012990105869362836, 1e-15);
}

TEST(MannWhitney, NormalApproximationWithTies) {
  const RankTest r = mann_whitney_u({1, 2, 2, 3, 3, 3, 4}, {3, 4, 4, 5, 5, 6});
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 3.5);
  EXPECT_NEAR(r.p_value, 0.012999854364387305, 1e-12);
}

TEST(MannWhitney, NormalApproximationForLargeSamples) {
  std::vector<double> x, y;
  for (int i = 0; i < 60; ++i) x.push_back(i);
  for (int i = 0; i < 50; ++i) y.push_back(i + 5.5);
  const RankTest r = mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 1475.0);
  EXPECT_NEAR(r.p_value, 0.883073962786097, 1e-12);
}

TEST(MannWhitney, IdenticalOrEmptySamplesGiveOne) {
  EXPECT_DOUBLE_EQ(mann_whitney_u({5, 5, 5}, {5, 5, 5}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney_u({}, {1, 2}).p_value, 1.0);
}

TEST(MannWhitney, SmallestReachableP) {
  EXPECT_DOUBLE_EQ(mann_whitney_min_p(3, 3), 0.1);
  EXPECT_NEAR(mann_whitney_min_p(4, 4), 2.0 / 70, 1e-15);
  EXPECT_LT(mann_whitney_min_p(9, 9), 0.05);
  EXPECT_DOUBLE_EQ(mann_whitney_min_p(0, 5), 1.0);
}

TEST(Wilcoxon, ExactWithoutTiesOrZeros) {
  RankTest r = wilcoxon_signed_rank({0.5, -0.2, 1.1, 0.8, 0.3, -0.1, 0.9, 0.4, 0.6, 0.7});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 3.0);
  EXPECT_DOUBLE_EQ(r.p_value, 0.009765625);

  r = wilcoxon_signed_rank({1, 2, 3, 4, 5, 6});
  EXPECT_DOUBLE_EQ(r.statistic, 0.0);
  EXPECT_DOUBLE_EQ(r.p_value, 0.03125);  // 2 / 2^6: the smallest p six pairs can give

  r = wilcoxon_signed_rank({0.12, -0.05, 0.33, 0.21, -0.17, 0.08, 0.29});
  EXPECT_DOUBLE_EQ(r.statistic, 5.0);
  EXPECT_DOUBLE_EQ(r.p_value, 0.15625);
}

TEST(Wilcoxon, NormalApproximationDropsZerosAndCorrectsForTies) {
  const RankTest r = wilcoxon_signed_rank({1, -1, 2, 2, 0, 3, -3, 4, 5, 5, 6});
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 7.0);
  EXPECT_NEAR(r.p_value, 0.03617080275646433, 1e-12);
}

TEST(Wilcoxon, NormalApproximationBeyondFiftyPairs) {
  std::vector<double> d;
  for (int i = 0; i < 60; ++i) d.push_back((i % 7 - 2.7) * (1 + i / 10.0));
  const RankTest r = wilcoxon_signed_rank(d);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 832.0);
  EXPECT_NEAR(r.p_value, 0.5411909414957812, 1e-12);
}

TEST(Wilcoxon, AllZerosGiveOne) {
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank({0, 0, 0}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(wilcoxon_min_p(5), 0.0625);
  EXPECT_DOUBLE_EQ(wilcoxon_min_p(6), 0.03125);
}

// The interval for n = 10 at 95% is the 9th smallest and 9th largest of the
// 55 Walsh averages (P(T <= 8) = 0.0244140625 for the signed-rank statistic;
// figures from numpy over the same averages).
TEST(HodgesLehmann, MedianOfWalshAveragesAndItsInterval) {
  const LocationEstimate e = hodges_lehmann({0.5, -0.2, 1.1, 0.8, 0.3, -0.1, 0.9, 0.4, 0.6, 0.7});
  EXPECT_DOUBLE_EQ(e.value, 0.5);
  EXPECT_NEAR(e.low, 0.2, 1e-12);
  EXPECT_NEAR(e.high, 0.8, 1e-12);
  EXPECT_DOUBLE_EQ(e.confidence, 1 - 2 * 0.0244140625);
}

TEST(HodgesLehmann, TooFewForTheLevelGivesTheWholeRangeAtItsOwnLevel) {
  const LocationEstimate e = hodges_lehmann({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(e.value, 3.0);
  EXPECT_DOUBLE_EQ(e.low, 1.0);
  EXPECT_DOUBLE_EQ(e.high, 5.0);
  EXPECT_DOUBLE_EQ(e.confidence, 1 - 2.0 / 32);
}

TEST(HodgesLehmann, ManyDifferencesUseTheNormalInterval) {
  std::vector<double> d;
  for (int i = 0; i < 300; ++i) d.push_back(i % 2 ? 1.0 + i * 1e-3 : 1.0 - i * 1e-3);
  const LocationEstimate e = hodges_lehmann(d);
  EXPECT_NEAR(e.value, 1.0, 1e-3);
  EXPECT_LT(e.low, e.value);
  EXPECT_GT(e.high, e.value);
  EXPECT_DOUBLE_EQ(e.confidence, 0.95);
}

}  // namespace
}  // namespace concur
