// A made-up flag for one country code: a small GIF image, the same bytes for the same seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace concur {

// Encoded files are never smaller or larger than this: big enough that a
// download moves real bytes, small enough that 194 of them are quick to serve.
inline constexpr std::size_t flag_min_bytes = 1024;
inline constexpr std::size_t flag_max_bytes = 20 * 1024;

// A GIF89a image (stripes and a noisy emblem in a 16-colour palette) that any
// viewer opens. `code` is two letters, either case; the image depends only on
// the upper-cased code and `seed`. Throws std::invalid_argument for a bad code
// and std::runtime_error if giflib fails.
std::vector<std::uint8_t> flag_gif(std::string_view code, std::uint64_t seed);

}  // namespace concur
