// Flag code selection: top20, all, every, codes and letters, limits, and the words refused.
#include <gtest/gtest.h>

#include "server/country_codes.hpp"
#include "workloads/flag_codes.hpp"

namespace concur {
namespace {

TEST(FlagCodes, KeywordsSelectTheOriginalSets) {
  EXPECT_EQ(expand_codes({"top20"}, 0).size(), 20u);
  EXPECT_EQ(expand_codes({"all"}, 0), country_codes());
  const std::vector<std::string> every = expand_codes({"every"}, 0);
  ASSERT_EQ(every.size(), 676u);
  EXPECT_EQ(every.front(), "AA");
  EXPECT_EQ(every.back(), "ZZ");
  EXPECT_EQ(expand_codes({"TOP20"}, 0), expand_codes({"top20"}, 0));
}

TEST(FlagCodes, CodesAndLettersAreSortedWithoutRepeatsAndCut) {
  EXPECT_EQ(expand_codes({"us", "CN", "cn", "in"}, 0), (std::vector<std::string>{"CN", "IN", "US"}));
  const std::vector<std::string> b = expand_codes({"b", "CN"}, 0);
  ASSERT_EQ(b.size(), 27u);  // BA..BZ and CN
  EXPECT_EQ(b.front(), "BA");
  EXPECT_EQ(b.back(), "CN");
  EXPECT_EQ(expand_codes({"every"}, 3), (std::vector<std::string>{"AA", "AB", "AC"}));
  EXPECT_EQ(expand_codes({"top20"}, 2), (std::vector<std::string>{"BD", "BR"}));  // sorted, then cut
}

TEST(FlagCodes, BadWordsAreNamed) {
  EXPECT_EQ(check_code_words({"CN", "b", "top20"}), "'top20' stands alone; expected top20, all or every, or codes and letters");
  EXPECT_EQ(check_code_words({"A1"}), "'A1' is no code; expected A to Z or AA to ZZ (or top20, all, every)");
  EXPECT_EQ(check_code_words({"USA"}), "'USA' is no code; expected A to Z or AA to ZZ (or top20, all, every)");
  EXPECT_EQ(check_code_words({}), "no codes; expected top20, all, every, or codes (CN) and letters (C)");
  EXPECT_EQ(check_code_words({"cn", "U"}), "");
  EXPECT_EQ(check_code_words({"every"}), "");
}

}  // namespace
}  // namespace concur
