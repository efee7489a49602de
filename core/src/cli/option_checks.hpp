// CLI11 checks of numeric options, worded as concur's other errors ("0 is out of range; expected ...").
#pragma once

#include <cstdint>

#include <CLI/CLI.hpp>

namespace concur::cli {

// A whole decimal integer from `min` to `max`.
CLI::Validator integer_in(std::int64_t min, std::int64_t max);
// A whole decimal integer, or a range of them such as 1..4, from `min` to `max`.
CLI::Validator integer_or_range_in(std::int64_t min, std::int64_t max);
// A number from 0 to 1.
CLI::Validator probability();

}  // namespace concur::cli
