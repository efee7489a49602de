// Sizes and durations: what suites may write, what is rejected and why, and how reports print them.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "util/units.hpp"

namespace concur {
namespace {

using namespace std::chrono_literals;

// The message parse_* threw for `text`, or "" if it accepted it.
template <class Parse>
std::string rejection(Parse parse, const std::string& text) {
  try {
    parse(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

std::string size_rejection(const std::string& text) { return rejection(parse_size, text); }
std::string duration_rejection(const std::string& text) { return rejection(parse_duration, text); }

TEST(Units, ParseSizePlainIntegersAreBytes) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("18446744073709551615"), UINT64_MAX);
}

TEST(Units, ParseSizeBinaryUnits) {
  EXPECT_EQ(parse_size("17B"), 17u);
  EXPECT_EQ(parse_size("256KiB"), 262144u);
  EXPECT_EQ(parse_size("1MiB"), 1048576u);
  EXPECT_EQ(parse_size("2GiB"), 2147483648u);
  EXPECT_EQ(parse_size("3TiB"), 3298534883328u);
}

TEST(Units, ParseSizeSiUnitsArePowersOfThousand) {
  EXPECT_EQ(parse_size("10kB"), 10000u);
  EXPECT_EQ(parse_size("10KB"), 10000u);
  EXPECT_EQ(parse_size("1MB"), 1000000u);
  EXPECT_EQ(parse_size("2GB"), 2000000000u);
}

TEST(Units, ParseSizeAcceptsSpacesAndExactDecimals) {
  EXPECT_EQ(parse_size("256 KiB"), 262144u);
  EXPECT_EQ(parse_size("1.5MiB"), 1572864u);
  EXPECT_EQ(parse_size("1.5 MiB"), 1572864u);
  EXPECT_EQ(parse_size("0.5KiB"), 512u);
  EXPECT_EQ(parse_size(".25KiB"), 256u);
  EXPECT_EQ(parse_size("1.000MiB"), 1048576u);
  EXPECT_EQ(parse_size("1.234kB"), 1234u);
  EXPECT_EQ(parse_size(" 8KiB "), 8192u);
}

TEST(Units, ParseSizeRejectionSaysWhatWasExpected) {
  EXPECT_EQ(size_rejection("12XB"),
            "expected a size like 4096, 256KiB or 1MiB, got \"12XB\" "
            "(unknown unit \"XB\"; use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)");
  EXPECT_EQ(size_rejection(""), "expected a size like 4096, 256KiB or 1MiB, got \"\" (empty)");
  EXPECT_EQ(size_rejection("-1KiB"),
            "expected a size like 4096, 256KiB or 1MiB, got \"-1KiB\" (a size cannot be negative)");
}

TEST(Units, ParseSizeRejectsMalformedInexactAndHugeValues) {
  for (const char* bad : {"KiB", "abc", "1..5KiB", "1.5.5KiB", "1e3", "0x10", "12 KiB extra", "1kib", "."}) {
    EXPECT_NE(size_rejection(bad), "") << bad;
  }
  EXPECT_NE(size_rejection("1.5B").find("not a whole number of bytes"), std::string::npos);
  EXPECT_NE(size_rejection("0.1KiB").find("not a whole number of bytes"), std::string::npos);
  EXPECT_NE(size_rejection("1.00000000000000000001MiB").find("not a whole number"), std::string::npos);
  EXPECT_NE(size_rejection("18446744073709551616").find("too large"), std::string::npos);
  EXPECT_NE(size_rejection("16777216TiB").find("too large"), std::string::npos);  // 2^64
  EXPECT_EQ(parse_size("16777215.5TiB"), 18446743523953737728u);                 // just below
}

TEST(Units, ParseDurationUnits) {
  EXPECT_EQ(parse_duration("10ns"), 10ns);
  EXPECT_EQ(parse_duration("250us"), 250us);
  EXPECT_EQ(parse_duration("100ms"), 100ms);
  EXPECT_EQ(parse_duration("1s"), 1s);
  EXPECT_EQ(parse_duration("2m"), 2min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("0.5 ms"), 500us);
  EXPECT_EQ(parse_duration("1.25 s"), 1250ms);
  EXPECT_EQ(parse_duration("0"), 0ns);
  EXPECT_EQ(parse_duration("0s"), 0ns);
}

TEST(Units, ParseDurationRejectsBareNumbersNegativesAndUnknownUnits) {
  EXPECT_EQ(duration_rejection("5"),
            "expected a duration like 100ms, 1.5s or 2m, got \"5\" (a number needs a unit: ns, us, ms, s, m or h)");
  EXPECT_NE(duration_rejection("-1s").find("cannot be negative"), std::string::npos);
  EXPECT_NE(duration_rejection("3d").find("unknown unit \"d\""), std::string::npos);
  EXPECT_NE(duration_rejection("1.5ns").find("finer than a nanosecond"), std::string::npos);
  EXPECT_NE(duration_rejection("3000000h").find("too long"), std::string::npos);
  for (const char* bad : {"", "s", "ms", "1 s s", "1S", "1sec", "1.5"}) {
    EXPECT_NE(duration_rejection(bad), "") << bad;
  }
}

TEST(Units, FormatSize) {
  EXPECT_EQ(format_size(0), "0 B");
  EXPECT_EQ(format_size(512), "512 B");
  EXPECT_EQ(format_size(1024), "1 KiB");
  EXPECT_EQ(format_size(262144), "256 KiB");
  EXPECT_EQ(format_size(393216), "384 KiB");
  EXPECT_EQ(format_size(152918), "149.33 KiB");
  EXPECT_EQ(format_size(1572864), "1.5 MiB");
  EXPECT_EQ(format_size(1048575), "1 MiB");  // 1023.999 KiB rounds up into the next unit
  EXPECT_EQ(format_size(1ull << 30), "1 GiB");
  EXPECT_EQ(format_size(UINT64_MAX), "16 EiB");
}

TEST(Units, FormatDuration) {
  EXPECT_EQ(format_duration(0ns), "0s");
  EXPECT_EQ(format_duration(1s), "1s");
  EXPECT_EQ(format_duration(100ms), "100ms");
  EXPECT_EQ(format_duration(1250ms), "1.25 s");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(2min), "2m");
  EXPECT_EQ(format_duration(1h), "1h");
  EXPECT_EQ(format_duration(250us), "250us");
  EXPECT_EQ(format_duration(1500us), "1.5 ms");
  EXPECT_EQ(format_duration(10ns), "10ns");
  EXPECT_EQ(format_duration(-1s), "-1s");
  EXPECT_EQ(format_duration(std::chrono::nanoseconds::min()).front(), '-');
}

TEST(Units, WholeDurationsParseBackFromTheirFormat) {
  for (const std::chrono::nanoseconds d : {0ns, 7ns, 250000ns, 100'000'000ns, 1'000'000'000ns}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
  for (const std::chrono::seconds d : {1s, 59s, 120s, 5400s, 18000s}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

TEST(Units, FormatSeconds) {
  EXPECT_EQ(format_seconds(1.234), "1.234 s");
  EXPECT_EQ(format_seconds(11.48), "11.48 s");
  EXPECT_EQ(format_seconds(0.0123), "12.3 ms");
  EXPECT_EQ(format_seconds(0.000850), "850 us");
  EXPECT_EQ(format_seconds(0.00000012), "120 ns");
  EXPECT_EQ(format_seconds(0.99996), "1 s");  // not "1000 ms"
  EXPECT_EQ(format_seconds(0), "0 s");
  EXPECT_EQ(format_seconds(-0.5), "-500 ms");
}

}  // namespace
}  // namespace concur
