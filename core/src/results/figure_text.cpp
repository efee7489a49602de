#include "results/figure_text.hpp"

#include <cstdio>

namespace concur {

std::string format_factor(const std::optional<double>& factor) {
  if (!factor) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2fx", *factor);
  return buffer;
}

std::string format_percent(const std::optional<double>& fraction) {
  if (!fraction) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", *fraction * 100);
  return buffer;
}

std::string plain_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

}  // namespace concur
