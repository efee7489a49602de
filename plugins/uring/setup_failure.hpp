// setup_failure: why io_uring_setup refused a ring, in words a user can act on (pitfall 8).
#pragma once

#include <string>

#include "ring_shape.hpp"

namespace concur_uring {

// "io_uring_setup failed for a ring of S SQ and C CQ entries: <errno text>",
// plus the likely cause as far as the system tells: kernel.io_uring_disabled,
// a seccomp filter or other security policy, a kernel without io_uring, the
// locked-memory limit (ulimit -l). The probe and start() both say it this way.
std::string setup_failure(int error, const RingShape& shape);

}  // namespace concur_uring
