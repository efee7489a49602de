#include "util/xoshiro256.hpp"

#include <bit>
#include <cstring>

namespace concur {
namespace {

std::uint64_t little_endian(std::uint64_t word) noexcept {
  if constexpr (std::endian::native == std::endian::big) return __builtin_bswap64(word);
  return word;
}

}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

Xoshiro256::Xoshiro256(std::uint64_t seed) noexcept {
  for (auto& word : s_) word = splitmix64(seed);
}

void Xoshiro256::fill(std::span<std::uint8_t> out) noexcept {
  // Word by word through memcpy: no alignment assumptions, and compilers turn
  // it into a plain 8-byte store. Words are laid out little-endian on every
  // host, so a seed gives the same buffer everywhere.
  std::uint8_t* p = out.data();
  std::size_t left = out.size();
  for (; left >= sizeof(std::uint64_t); left -= sizeof(std::uint64_t), p += sizeof(std::uint64_t)) {
    const std::uint64_t word = little_endian(next());
    std::memcpy(p, &word, sizeof word);
  }
  if (left > 0) {
    const std::uint64_t word = little_endian(next());
    std::memcpy(p, &word, left);
  }
}

std::uint64_t task_seed(std::uint64_t suite_seed, std::string_view workload, std::uint64_t task_index) noexcept {
  // FNV-1a of the name, then every part stirred through splitmix64 so that
  // neighbouring seeds or indexes end up far apart.
  std::uint64_t name_hash = 0xcbf29ce484222325;
  for (unsigned char c : workload) {
    name_hash ^= c;
    name_hash *= 0x100000001b3;
  }
  std::uint64_t state = suite_seed;
  std::uint64_t mixed = splitmix64(state);
  state = mixed ^ name_hash;
  mixed = splitmix64(state);
  state = mixed ^ task_index;
  return splitmix64(state);
}

}  // namespace concur
