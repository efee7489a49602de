// Deterministic pseudo-random workload inputs: reproducible from (suite seed, workload, task) and fast enough never to matter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "util/xoshiro256.hpp"
#include "workloads/shared_inputs.hpp"

namespace concur {

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
