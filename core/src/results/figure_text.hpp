// How reports write a speedup ("2.00x") and an efficiency ("85%"), "-" for a figure there is none of; and a number for a machine to read.
#pragma once

#include <optional>
#include <string>

namespace concur {

std::string format_factor(const std::optional<double>& factor);
std::string format_percent(const std::optional<double>& fraction);
// Nine significant digits, no unit: csv cells and gnuplot data.
std::string plain_number(double value);

}  // namespace concur
