// Text helpers shared by workloads and the harness: an outcome as "error: why", bytes as hex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "concur/outcome.hpp"

namespace concur {

// "ok", "not_found", or "error: <message>".
inline std::string describe_outcome(const Outcome& outcome) {
  std::string text = to_string(outcome.status);
  if (!outcome.message.empty()) text += ": " + outcome.message;
  return text;
}

inline std::string to_hex(const std::uint8_t* data, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t k = 0; k < n; ++k) {
    out += digits[data[k] >> 4];
    out += digits[data[k] & 0xf];
  }
  return out;
}

}  // namespace concur
