// Deterministic pseudo-random workload inputs: reproducible from (suite seed, workload, task) and fast enough never to matter.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "shared_inputs.hpp"

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

// The seed of one task's input. The workload name takes part so that rc4 and
// sha256 entries of the same suite do not hash and encrypt identical bytes.
std::uint64_t task_seed(std::uint64_t suite_seed, std::string_view workload, std::uint64_t task_index) noexcept;

// `size` bytes of the stream seeded with `seed`; the same arguments always give the same bytes.
std::vector<std::uint8_t> random_bytes(std::size_t size, std::uint64_t seed);

// One random buffer per task, laid end to end in a single input region:
// buffer k holds random_bytes(sizes[k], task_seed(seed, workload, k)).
class RandomBuffers {
 public:
  RandomBuffers(InputStore& store, std::string_view workload, std::uint64_t seed, const std::vector<std::size_t>& sizes);

  std::size_t size() const noexcept { return offsets_.size() - 1; }
  std::span<const std::uint8_t> operator[](std::size_t k) const {
    return region_.bytes().subspan(offsets_.at(k), offsets_.at(k + 1) - offsets_[k]);
  }
  std::uint64_t total_bytes() const noexcept { return offsets_.back(); }

 private:
  std::vector<std::size_t> offsets_;  // buffer k is [offsets_[k], offsets_[k + 1])
  InputRegion region_;
};

}  // namespace concur
