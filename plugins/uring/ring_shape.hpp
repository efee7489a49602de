// RingShape: the sizes and set-up flags of every ring the strategy makes, one definition shared by runs and the probe.
#pragma once

#include <liburing.h>

namespace concur_uring {

// SQ entries of a run's ring unless the ring_entries option says otherwise.
inline constexpr unsigned default_ring_entries = 4096;

struct RingShape {
  unsigned sq_entries = default_ring_entries;
  unsigned cq_entries = 0;  // asked for; the kernel clamps both to its maximum
  bool operator==(const RingShape&) const = default;
};

// The ring for at most `lanes` tasks in flight and an SQ of `sq_entries`.
// Every task in flight has at most one request in the kernel (a sleep, or
// the poll on its transfer's socket), plus the offload eventfd poll, curl's
// timer and the odd cancel: a CQ twice that size (and never smaller than
// twice the SQ) does not overflow.
RingShape ring_shape(unsigned lanes, unsigned sq_entries);

// The ring the availability probe sets up: the one every run with the default
// ring_entries and at most 4032 tasks in flight sets up (4096 SQ and 8192 CQ
// entries). A run with more lanes asks for a bigger CQ; if the kernel refuses
// it, start() explains why just as the probe would have.
RingShape default_ring_shape();

// io_uring_queue_init_params for `shape` with the flags every ring uses, the
// probe's included: 0, or -errno when io_uring_setup refuses.
int setup_ring(io_uring& ring, const RingShape& shape) noexcept;

}  // namespace concur_uring
