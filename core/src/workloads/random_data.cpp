#include "workloads/random_data.hpp"

#include <stdexcept>

namespace concur {

std::vector<std::uint8_t> random_bytes(std::size_t size, std::uint64_t seed) {
  std::vector<std::uint8_t> bytes(size);
  Xoshiro256(seed).fill(bytes);
  return bytes;
}

RandomBuffers::RandomBuffers(InputStore& store, std::string_view workload, std::uint64_t seed,
                             const std::vector<std::size_t>& sizes) {
  offsets_.reserve(sizes.size() + 1);
  offsets_.push_back(0);
  for (const std::size_t n : sizes) {
    std::size_t end = 0;
    if (__builtin_add_overflow(offsets_.back(), n, &end)) throw std::length_error("inputs larger than memory");
    offsets_.push_back(end);
  }
  try {
    region_ = store.region(offsets_.back(), [&](std::span<std::uint8_t> bytes) {
      for (std::size_t k = 0; k < sizes.size(); ++k) {
        Xoshiro256(task_seed(seed, workload, k)).fill(bytes.subspan(offsets_[k], sizes[k]));
      }
    });
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(workload) + ": " + e.what());
  }
}

}  // namespace concur
