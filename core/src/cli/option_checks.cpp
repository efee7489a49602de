#include "cli/option_checks.hpp"

#include <charconv>
#include <string>
#include <system_error>

#include "util/escape.hpp"

namespace concur::cli {
namespace {

// The whole of `text` as a T: std::errc::invalid_argument for anything but
// a number, std::errc::result_out_of_range past what a T holds.
template <typename T>
std::errc parse(const std::string& text, T& value) {
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && stop != end ? std::errc::invalid_argument : error;
}

template <typename T>
CLI::Validator in_range(T min, T max, const std::string& expected, const std::string& description) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        T value{};
        const std::errc error = parse(text, value);
        if (error == std::errc::invalid_argument) {
          return "expected " + expected + ", got \"" + escape_controls(text, true) + '"';
        }
        if (error != std::errc() || !(value >= min && value <= max)) {
          return text + " is out of range; expected " + expected;
        }
        return {};
      },
      description);
}

}  // namespace

CLI::Validator integer_in(std::int64_t min, std::int64_t max) {
  const std::string low = std::to_string(min), high = std::to_string(max);
  return in_range(min, max, "an integer from " + low + " to " + high, "INT in [" + low + " - " + high + "]");
}

CLI::Validator integer_or_range_in(std::int64_t min, std::int64_t max) {
  const CLI::Validator integer = integer_in(min, max);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const std::size_t dots = text.find("..");
        if (dots == std::string::npos) return integer(text);
        std::string first = text.substr(0, dots), last = text.substr(dots + 2);
        if (std::string problem = integer(first); !problem.empty()) return problem;
        if (std::string problem = integer(last); !problem.empty()) return problem;
        if (std::stoll(first) > std::stoll(last)) return text + " is an empty range; expected its first value at most its last";
        return {};
      },
      "INT or INT..INT in [" + std::to_string(min) + " - " + std::to_string(max) + "]");
}

CLI::Validator probability() { return in_range(0.0, 1.0, "a number from 0 to 1", "NUMBER in [0 - 1]"); }

}  // namespace concur::cli
