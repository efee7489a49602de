#include "util/units.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>

namespace concur {
namespace {

// A number as written, kept as integers so "1.5MiB" converts exactly, with no
// floating-point rounding deciding whether a value is whole.
struct Decimal {
  std::uint64_t whole = 0;
  std::uint64_t fraction = 0;       // digits after the point, trailing zeros dropped
  std::uint64_t fraction_scale = 1;  // 10^(number of those digits)
  bool too_large = false;             // the whole part does not fit in 64 bits
  bool too_fine = false;              // more fraction digits than 64 bits can scale
};

struct UnitScale {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::uint64_t KiB = 1024;
constexpr std::array<UnitScale, 11> size_units{{
    {"B", 1},
    {"KiB", KiB},
    {"MiB", KiB * KiB},
    {"GiB", KiB * KiB * KiB},
    {"TiB", KiB * KiB * KiB * KiB},
    {"kB", 1000},
    {"KB", 1000},
    {"MB", 1000'000},
    {"GB", 1000'000'000},
    {"TB", 1000'000'000'000},
    {"", 1},
}};

constexpr std::uint64_t us_ns = 1000;
constexpr std::uint64_t ms_ns = 1000 * us_ns;
constexpr std::uint64_t s_ns = 1000 * ms_ns;
constexpr std::uint64_t m_ns = 60 * s_ns;
constexpr std::uint64_t h_ns = 60 * m_ns;
constexpr std::array<UnitScale, 7> duration_units{{
    {"ns", 1},
    {"us", us_ns},
    {"\u00b5s", us_ns},
    {"ms", ms_ns},
    {"s", s_ns},
    {"m", m_ns},
    {"h", h_ns},
}};

constexpr std::string_view size_expected = "expected a size like 4096, 256KiB or 1MiB";
constexpr std::string_view duration_expected = "expected a duration like 100ms, 1.5s or 2m";

[[noreturn]] void reject(std::string_view expected, std::string_view text, std::string_view why = {}) {
  std::string message{expected};
  message += ", got \"";
  message += text;
  message += '"';
  if (!why.empty()) {
    message += " (";
    message += why;
    message += ')';
  }
  throw std::invalid_argument(message);
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Parses "12", "1.5", ".5" from the front of `s` and removes it (and the
// spaces after it). nullopt when there is no number there.
std::optional<Decimal> take_decimal(std::string_view& s) {
  Decimal d;
  std::size_t pos = 0;
  bool any_digit = false;
  for (; pos < s.size() && is_digit(s[pos]); ++pos) {
    any_digit = true;
    const auto digit = static_cast<std::uint64_t>(s[pos] - '0');
    if (__builtin_mul_overflow(d.whole, 10u, &d.whole) || __builtin_add_overflow(d.whole, digit, &d.whole)) {
      d.too_large = true;
    }
  }
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::string_view digits;
    const std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    digits = s.substr(start, pos - start);
    any_digit = any_digit || !digits.empty();
    while (!digits.empty() && digits.back() == '0') digits.remove_suffix(1);
    // 10^19 is the largest power of ten in 64 bits. Longer fractions are
    // refused as too fine; only contrived spellings (2^-20 TiB written out in
    // full) would have come out whole.
    if (digits.size() > 19) {
      d.too_fine = true;
      digits = {};
    }
    for (char c : digits) {
      d.fraction = d.fraction * 10 + static_cast<std::uint64_t>(c - '0');
      d.fraction_scale *= 10;
    }
  }
  if (!any_digit) return std::nullopt;
  s.remove_prefix(pos);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return d;
}

enum class Scaled { ok, not_whole, overflow };

// value = d * factor, exactly. The fraction part is whole only when
// fraction_scale divides fraction * factor; dividing both by their gcd first
// keeps every intermediate within 64 bits.
Scaled scale(const Decimal& d, std::uint64_t factor, std::uint64_t& value) {
  if (d.too_fine) return Scaled::not_whole;
  if (d.too_large) return Scaled::overflow;
  const std::uint64_t g = std::gcd(factor, d.fraction_scale);
  const std::uint64_t denominator = d.fraction_scale / g;
  if (d.fraction % denominator != 0) return Scaled::not_whole;
  std::uint64_t whole_part = 0;
  std::uint64_t fraction_part = 0;
  if (__builtin_mul_overflow(d.whole, factor, &whole_part) ||
      __builtin_mul_overflow(d.fraction / denominator, factor / g, &fraction_part) ||
      __builtin_add_overflow(whole_part, fraction_part, &value)) {
    return Scaled::overflow;
  }
  return Scaled::ok;
}

template <std::size_t N>
const UnitScale* find_unit(const std::array<UnitScale, N>& units, std::string_view name) {
  for (const auto& u : units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

// Value in `unit` with up to `decimals` decimals, trailing zeros dropped: 1.5, 12.3, 850.
std::string trimmed_fixed(double value, int decimals) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
  std::string s = buffer.data();
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// Decimals that give about four significant digits for a value in [1, 1000).
int decimals_for(double value) {
  if (value >= 100) return 1;
  if (value >= 10) return 2;
  return 3;
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
  std::string_view rest = trim(text);
  if (rest.empty()) reject(size_expected, text, "empty");
  if (rest.front() == '-') reject(size_expected, text, "a size cannot be negative");
  if (rest.front() == '+') rest.remove_prefix(1);

  const auto number = take_decimal(rest);
  if (!number) reject(size_expected, text);
  const UnitScale* unit = find_unit(size_units, rest);
  if (!unit) {
    reject(size_expected, text,
           "unknown unit \"" + std::string(rest) + "\"; use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB");
  }

  std::uint64_t bytes = 0;
  switch (scale(*number, unit->factor, bytes)) {
    case Scaled::ok: return bytes;
    case Scaled::not_whole: reject(size_expected, text, "not a whole number of bytes");
    case Scaled::overflow: break;
  }
  reject(size_expected, text, "too large");
}

std::chrono::nanoseconds parse_duration(std::string_view text) {
  std::string_view rest = trim(text);
  if (rest.empty()) reject(duration_expected, text, "empty");
  if (rest.front() == '-') reject(duration_expected, text, "a duration cannot be negative");
  if (rest.front() == '+') rest.remove_prefix(1);

  const auto number = take_decimal(rest);
  if (!number) reject(duration_expected, text);
  if (rest.empty()) {
    // Zero is zero in any unit; any other bare number is ambiguous.
    if (number->whole == 0 && number->fraction == 0) return std::chrono::nanoseconds{0};
    reject(duration_expected, text, "a number needs a unit: ns, us, ms, s, m or h");
  }
  const UnitScale* unit = find_unit(duration_units, rest);
  if (!unit) reject(duration_expected, text, "unknown unit \"" + std::string(rest) + "\"; use ns, us, ms, s, m or h");

  std::uint64_t ns = 0;
  switch (scale(*number, unit->factor, ns)) {
    case Scaled::ok:
      if (ns > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) break;
      return std::chrono::nanoseconds{static_cast<std::int64_t>(ns)};
    case Scaled::not_whole: reject(duration_expected, text, "finer than a nanosecond");
    case Scaled::overflow: break;
  }
  reject(duration_expected, text, "too long");
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 7> names{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  std::uint64_t divisor = 1;
  while (unit + 1 < names.size() && bytes / divisor >= KiB) {
    divisor *= KiB;
    ++unit;
  }
  if (bytes % divisor == 0) return std::to_string(bytes / divisor) + " " + std::string(names[unit]);
  const double value = static_cast<double>(bytes) / static_cast<double>(divisor);
  std::string text = trimmed_fixed(value, 2);
  // 1023.999 KiB rounds to "1024"; say "1 MiB" instead.
  if (text == "1024" && unit + 1 < names.size()) return "1 " + std::string(names[unit + 1]);
  return text + " " + std::string(names[unit]);
}

std::string format_duration(std::chrono::nanoseconds d) {
  const std::int64_t count = d.count();
  // Through unsigned so that the magnitude of INT64_MIN does not overflow.
  const std::uint64_t ns = count < 0 ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  const std::string sign = count < 0 ? "-" : "";
  if (ns == 0) return "0s";
  // The unit follows the magnitude; a whole amount is written the way a suite
  // would write it ("100ms"), so it parses back, anything else like a timing.
  if (ns >= s_ns) {
    for (const auto& [name, factor] : {std::pair{"h", h_ns}, {"m", m_ns}, {"s", s_ns}}) {
      if (ns % factor == 0) return sign + std::to_string(ns / factor) + name;
    }
  } else if (ns >= ms_ns) {
    if (ns % ms_ns == 0) return sign + std::to_string(ns / ms_ns) + "ms";
  } else if (ns >= us_ns) {
    if (ns % us_ns == 0) return sign + std::to_string(ns / us_ns) + "us";
  } else {
    return sign + std::to_string(ns) + "ns";
  }
  return sign + format_seconds(static_cast<double>(ns) / 1e9);
}

std::string format_seconds(double seconds) {
  if (std::isnan(seconds)) return "nan";
  if (std::isinf(seconds)) return seconds > 0 ? "inf" : "-inf";
  if (seconds < 0) {
    // Not "-" + string: GCC 12 then warns -Wrestrict falsely (GCC bug 105329).
    std::string negative = format_seconds(-seconds);
    negative.insert(negative.begin(), '-');
    return negative;
  }
  if (seconds == 0) return "0 s";

  static constexpr std::array<std::pair<std::string_view, double>, 4> units{{
      {"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}}};
  std::size_t unit = 0;
  while (unit + 1 < units.size() && seconds < units[unit].second) ++unit;
  double value = seconds / units[unit].second;
  // Rounding can carry into the next unit up: 999.96 ms prints as "1 s".
  if (unit > 0 && std::stod(trimmed_fixed(value, decimals_for(value))) >= 1000) {
    --unit;
    value = seconds / units[unit].second;
  }
  return trimmed_fixed(value, decimals_for(value)) + " " + std::string(units[unit].first);
}

}  // namespace concur
