// Option declarations: what each type accepts, the words of a refusal, defaults and values read through them.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "concur/option.hpp"

namespace concur {
namespace {

const Option depth = Option::integer("depth", 4, 1, 64, "requests queued per worker");
const Option loud = Option::boolean("loud", false, "whether to shout");
const Option mode = Option::choice("mode", "slow", {"slow", "fast"}, "the pace");
const Option label = Option::text("label", "none", "a name for the run");

TEST(SdkOption, DescribesItself) {
  EXPECT_EQ(depth.name(), "depth");
  EXPECT_EQ(depth.type(), Option::Type::integer);
  EXPECT_EQ(depth.default_value(), "4");
  EXPECT_EQ(depth.help(), "requests queued per worker");
  EXPECT_EQ(loud.default_value(), "false");
  EXPECT_STREQ(to_string(depth.type()), "integer");
  EXPECT_STREQ(to_string(loud.type()), "boolean");
  EXPECT_STREQ(to_string(mode.type()), "choice");
  EXPECT_STREQ(to_string(label.type()), "text");
  EXPECT_EQ(depth.expected(), "an integer from 1 to 64");
  EXPECT_EQ(loud.expected(), "true or false");
  EXPECT_EQ(mode.expected(), "one of slow, fast");
  EXPECT_EQ(label.expected(), "text");
}

TEST(SdkOption, ChecksValuesAsASuiteWritesThem) {
  for (const char* ok : {"1", "64", "4"}) EXPECT_EQ(depth.check(ok), "") << ok;
  for (const char* bad : {"0", "65", "-3", "4x", " 4", "+4", "", "99999999999999999999"}) {
    EXPECT_EQ(depth.check(bad), "expected an integer from 1 to 64, got \"" + std::string(bad) + "\"") << bad;
  }
  for (const char* ok : {"true", "True", "TRUE", "false", "False", "FALSE"}) EXPECT_EQ(loud.check(ok), "") << ok;
  EXPECT_EQ(loud.check("yes"), "expected true or false, got \"yes\"");
  EXPECT_EQ(mode.check("fast"), "");
  EXPECT_EQ(mode.check("Fast"), "expected one of slow, fast, got \"Fast\"");
  EXPECT_EQ(label.check(""), "");
}

TEST(SdkOption, ReadsTheGivenValueOrTheDefault) {
  const std::map<std::string, std::string> none;
  EXPECT_EQ(depth.read_integer(none), 4);
  EXPECT_FALSE(loud.read_boolean(none));
  EXPECT_EQ(mode.read_text(none), "slow");
  EXPECT_EQ(label.read_text(none), "none");

  const std::map<std::string, std::string> given{{"depth", "64"}, {"loud", "True"}, {"mode", "fast"}, {"label", ""}};
  EXPECT_EQ(depth.read_integer(given), 64);
  EXPECT_TRUE(loud.read_boolean(given));
  EXPECT_EQ(mode.read_text(given), "fast");
  EXPECT_EQ(label.read_text(given), "");
}

TEST(SdkOption, ABadValueThrowsNamingTheOption) {
  try {
    depth.read_integer({{"depth", "0"}});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "option depth: expected an integer from 1 to 64, got \"0\"");
  }
}

TEST(SdkOption, ReadingAsAnotherTypeIsALogicError) {
  EXPECT_THROW(depth.read_boolean({}), std::logic_error);
  EXPECT_THROW(loud.read_text({}), std::logic_error);
  EXPECT_THROW(mode.read_integer({}), std::logic_error);
}

}  // namespace
}  // namespace concur
