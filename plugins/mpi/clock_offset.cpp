#include "clock_offset.hpp"

#include <limits>

#include "host_facts.hpp"

namespace concur_mpi {

std::int64_t measure_clock_offset(const std::function<std::int64_t()>& read_remote, int rounds) {
  std::int64_t best_trip = std::numeric_limits<std::int64_t>::max();
  std::int64_t offset = 0;
  for (int i = 0; i < rounds; ++i) {
    const std::int64_t sent = steady_ns();
    const std::int64_t remote = read_remote();
    const std::int64_t back = steady_ns();
    if (back - sent < best_trip) {
      best_trip = back - sent;
      offset = remote - (sent + (back - sent) / 2);
    }
  }
  return offset;
}

}  // namespace concur_mpi
