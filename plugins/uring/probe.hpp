// The availability probe: can io_uring run this strategy here, and if not, why (pitfall 8).
#pragma once

#include "concur/strategy.hpp"

namespace concur_uring {

// Sets up the ring a default run sets up (default_ring_shape(), through the
// same setup_ring()) and checks, with io_uring_get_probe_ring, that the kernel
// supports every opcode the strategy uses (TIMEOUT, POLL_ADD, ASYNC_CANCEL).
// When it cannot, the reason carries the errno text and the likely cause
// (setup_failure(): kernel.io_uring_disabled, a seccomp filter, the
// locked-memory limit, an old kernel).
//
// For tests: when the environment variable CONCUR_URING_FORCE_UNAVAILABLE is
// set and not empty, the probe reports io_uring unavailable with that text as
// the reason, without touching the kernel.
concur::Availability probe_io_uring() noexcept;

}  // namespace concur_uring
