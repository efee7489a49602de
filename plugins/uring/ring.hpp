// Ring: an RAII io_uring instance (liburing) and the raw submit / wait / reap steps the event loop is built on.
#pragma once

#include <liburing.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "ring_shape.hpp"

namespace concur_uring {

// One completion, copied out of the CQ ring so its entry can be handed back to
// the kernel before any handler runs.
struct Completion {
  std::uint64_t user_data = 0;
  std::int32_t res = 0;
  std::uint32_t flags = 0;
};

// io_uring_setup refused the ring; what() says why as the probe would.
class RingSetupError : public std::runtime_error {
 public:
  RingSetupError(int error, const std::string& why) : std::runtime_error(why), error_(error) {}
  int error() const noexcept { return error_; }

 private:
  int error_;
};

class Ring {
 public:
  // How the ring enters the kernel to submit (and, with wait_nr > 0, wait):
  // liburing's io_uring_submit_and_wait in every run. A seam for tests, which
  // pass one that refuses on cue (-EBUSY, -EAGAIN) as kernels 5.5 to 5.10 do
  // while a CQ overflow backlog exists; a plain function pointer costs a run
  // one indirect call per io_uring_enter and nothing else.
  using SubmitFunction = int (*)(io_uring* ring, unsigned wait_nr);

  // A ring of `shape` (setup_ring()). Throws RingSetupError when the kernel
  // refuses it.
  explicit Ring(const RingShape& shape, SubmitFunction submit = &io_uring_submit_and_wait);
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // A zeroed SQE to fill in. When the SQ is full it first submits what is
  // queued: the kernel consumes SQEs at submission, which makes room.
  io_uring_sqe& get_sqe();

  // Submits every queued SQE; with `wait`, also blocks until at least one
  // completion is available, unless one already is (has_completions()): then
  // it only submits. A signal (-EINTR) is retried. When the kernel refuses for
  // want of CQ room or memory (-EBUSY, -EAGAIN) the available completions are
  // set aside for reap() and the call returns without waiting, so the caller
  // reaps before trying again. Other errors throw std::system_error.
  void submit(bool wait);

  // Submits, then waits at most `limit` for a completion; false on timeout.
  bool submit_and_wait_for(std::chrono::nanoseconds limit);

  // Completions wait to be reaped: set aside by a refused submit, or in the CQ.
  bool has_completions() const noexcept { return !set_aside_.empty() || io_uring_cq_ready(&ring_) > 0; }

  // Appends every available completion (set-aside ones first) to `out` and
  // returns their CQ entries to the kernel.
  void reap(std::vector<Completion>& out);

  unsigned sq_entries() const noexcept { return ring_.sq.ring_entries; }
  unsigned cq_entries() const noexcept { return ring_.cq.ring_entries; }
  // io_uring_enter calls made to submit (with or without waiting).
  std::uint64_t submit_calls() const noexcept { return submit_calls_; }

 private:
  void set_aside();

  io_uring ring_{};
  SubmitFunction submit_;
  std::vector<Completion> set_aside_;
  std::uint64_t submit_calls_ = 0;
};

}  // namespace concur_uring
