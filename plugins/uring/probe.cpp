// The availability probe: a run's ring set up, its opcodes probed, every refusal explained.
#include "probe.hpp"

#include <liburing.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "ring_shape.hpp"
#include "setup_failure.hpp"

namespace concur_uring {
namespace {

struct ProbeDeleter {
  void operator()(io_uring_probe* probe) const noexcept { io_uring_free_probe(probe); }
};

concur::Availability unavailable(std::string reason) { return {false, std::move(reason)}; }

concur::Availability probe() {
  if (const char* forced = std::getenv("CONCUR_URING_FORCE_UNAVAILABLE"); forced != nullptr && *forced != '\0') {
    return unavailable(std::string("forced by CONCUR_URING_FORCE_UNAVAILABLE: ") + forced);
  }
  // The very ring a default run sets up: a smaller one could pass where runs
  // fail (a tight locked-memory limit on kernels before 5.12).
  io_uring ring{};
  if (const int r = setup_ring(ring, default_ring_shape()); r < 0) {
    return unavailable(setup_failure(-r, default_ring_shape()));
  }
  const std::unique_ptr<io_uring_probe, ProbeDeleter> ops(io_uring_get_probe_ring(&ring));
  io_uring_queue_exit(&ring);
  if (!ops) return unavailable("io_uring works but cannot be probed (IORING_REGISTER_PROBE needs Linux 5.6 or later)");

  struct Needed {
    int opcode;
    const char* name;
  };
  static constexpr Needed needed[] = {
      {IORING_OP_TIMEOUT, "IORING_OP_TIMEOUT (sleeps)"},
      {IORING_OP_POLL_ADD, "IORING_OP_POLL_ADD (the offload eventfd, libcurl's sockets)"},
      {IORING_OP_ASYNC_CANCEL, "IORING_OP_ASYNC_CANCEL (teardown)"},
  };
  std::string missing;
  for (const Needed& n : needed) {
    if (!io_uring_opcode_supported(ops.get(), n.opcode)) missing += (missing.empty() ? "" : ", ") + std::string(n.name);
  }
  if (!missing.empty()) return unavailable("the kernel's io_uring lacks " + missing);
  return {};
}

}  // namespace

concur::Availability probe_io_uring() noexcept {
  concur::Availability failed{false, {}};
  try {
    return probe();
  } catch (const std::exception& e) {
    try {
      failed.reason = std::string("io_uring probe failed: ") + e.what();
    } catch (...) {  // out of memory: unavailable, without a reason
    }
  } catch (...) {
  }
  return failed;
}

}  // namespace concur_uring
