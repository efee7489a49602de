// Parsing and printing of sizes ("256KiB") and durations ("100ms") used in suites and reports.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace concur {

// "4096", "256KiB", "1MiB", "2GiB", "10kB", "1MB" (SI units are powers of 1000).
// Throws std::invalid_argument with a message saying what was expected.
std::uint64_t parse_size(std::string_view text);

// "1s", "100ms", "250us", "10ns", "1.5s", "2m", "0"; a bare number is rejected
// (ambiguous unit). Throws std::invalid_argument.
std::chrono::nanoseconds parse_duration(std::string_view text);

std::string format_size(std::uint64_t bytes);            // "256 KiB", "1.5 MiB"
std::string format_duration(std::chrono::nanoseconds d);  // "1s", "100ms", "1.25 s"
std::string format_seconds(double seconds);               // "1.234 s", "12.3 ms"

}  // namespace concur
