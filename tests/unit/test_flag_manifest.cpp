// Tests of parsing a flag server's manifest: what is accepted, and that every malformed one is a runtime_error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "workloads/flag_manifest.hpp"

namespace concur {
namespace {

using ::testing::HasSubstr;

TEST(FlagManifest, ListsEachFileByUpperCaseCode) {
  const FlagManifest m = parse_flag_manifest(R"({"count": 2, "seed": 42, "files": {)"
                                             R"("cn/cn.gif": {"size": 5120, "sha256": "ab"}, "us/us.gif": {"size": 7, "sha256": "cd"}}})");
  ASSERT_TRUE(m.available());
  ASSERT_TRUE(m.find("CN").has_value());
  EXPECT_EQ(m.find("CN")->size, 5120u);
  EXPECT_EQ(m.find("US")->sha256, "cd");
  EXPECT_FALSE(m.find("cn").has_value());
  EXPECT_FALSE(m.find("FR").has_value());
}

TEST(FlagManifest, TakesSizesUpTo64Bits) {
  const FlagManifest m =
      parse_flag_manifest(R"({"files": {"us/us.gif": {"size": 18446744073709551615, "sha256": ""}}})");
  EXPECT_EQ(m.find("US")->size, 18446744073709551615u);
}

void expect_refused(const std::string& json, const std::string& why) {
  try {
    parse_flag_manifest(json);
    ADD_FAILURE() << "accepted: " << json;
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("not a flag manifest"));
    EXPECT_THAT(e.what(), HasSubstr(why));
  }
}

// Found by fuzzing: a size of 1e300 went through get<std::uint64_t>(), a
// float-to-integer conversion out of range (undefined behaviour); -1 wrapped
// to 2^64-1 and 1.5 became 1, so a wrong manifest checked downloads.
TEST(FlagManifest, RefusesASizeThatIsNotAByteCount) {
  for (const std::string size : {"1e300", "-1", "1.5", "\"5\"", "null"}) {
    expect_refused(R"({"files": {"us/us.gif": {"size": )" + size + R"(, "sha256": ""}}})",
                   "\"us/us.gif\" is not a byte count");
  }
}

TEST(FlagManifest, RefusesWhatIsNotAManifest) {
  expect_refused("", "parse_error");
  expect_refused("[]", "");
  expect_refused(R"({"count": 1})", "files");
  expect_refused(R"({"files": [{"size": 1, "sha256": ""}]})", "\"files\" is not an object");
  expect_refused(R"({"files": {"us/us.gif": 5}})", "");
  expect_refused(R"({"files": {"us/us.gif": {"size": 1}}})", "sha256");
  expect_refused(R"({"files": {"us/us.gif": {"size": 1, "sha256": 5}}})", "");
}

}  // namespace
}  // namespace concur
