// RingShape: CQ sizing for a run's lanes and the io_uring_setup call every ring goes through.
#include "ring_shape.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace concur_uring {

RingShape ring_shape(unsigned lanes, unsigned sq_entries) {
  const std::uint64_t wanted = std::max(2 * (std::uint64_t{lanes} + 64), 2 * std::uint64_t{sq_entries});
  // Far above any kernel's maximum (65536 today): CLAMP brings it down.
  const std::uint64_t cq = std::min<std::uint64_t>(std::bit_ceil(wanted), std::uint64_t{1} << 20);
  return {sq_entries, static_cast<unsigned>(cq)};
}

RingShape default_ring_shape() { return ring_shape(1, default_ring_entries); }

int setup_ring(io_uring& ring, const RingShape& shape) noexcept {
  io_uring_params params{};
  // CQSIZE: every request in flight may complete at once (10,000 sleeps ending
  // together), and a CQ smaller than that overflows into the kernel's backlog.
  // CLAMP: asking for more than the kernel allows gives its maximum, not EINVAL.
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
  params.cq_entries = std::max(shape.cq_entries, shape.sq_entries);
  return io_uring_queue_init_params(shape.sq_entries, &ring, &params);
}

}  // namespace concur_uring
