// Seeded generators (xoshiro256**, splitmix64): workload inputs, flag images and fault draws, reproducible from a seed.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace concur {

// xoshiro256** (Blackman & Vigna): not cryptographic, but fast and well
// distributed, which is all benchmark inputs need.
class Xoshiro256 {
 public:
  // The state is expanded from the seed with splitmix64, as the authors
  // recommend, so similar seeds still give unrelated streams.
  explicit Xoshiro256(std::uint64_t seed) noexcept;
  // Starts from a raw state, as published test vectors do; it must not be all zeros.
  explicit Xoshiro256(const std::array<std::uint64_t, 4>& state) noexcept : s_(state) {}

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  void fill(std::span<std::uint8_t> out) noexcept;

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

// One step of splitmix64: advances `state` and returns the next output.
std::uint64_t splitmix64(std::uint64_t& state) noexcept;

// The seed of one item a suite seed makes: a task's input, a flag image, the
// server's fault stream. The name takes part so that rc4 and sha256 entries of
// the same suite do not hash and encrypt identical bytes.
std::uint64_t task_seed(std::uint64_t suite_seed, std::string_view workload, std::uint64_t task_index) noexcept;

}  // namespace concur
