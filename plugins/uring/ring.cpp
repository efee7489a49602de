// Ring: io_uring setup and teardown, SQE allocation with SQ-full handling, submission and completion reaping.
#include "ring.hpp"

#include <array>
#include <cerrno>
#include <system_error>

#include "setup_failure.hpp"

namespace concur_uring {

Ring::Ring(const RingShape& shape, SubmitFunction submit) : submit_(submit) {
  if (const int r = setup_ring(ring_, shape); r < 0) throw RingSetupError(-r, setup_failure(-r, shape));
}

Ring::~Ring() { io_uring_queue_exit(&ring_); }

io_uring_sqe& Ring::get_sqe() {
  for (;;) {
    if (io_uring_sqe* sqe = io_uring_get_sqe(&ring_)) {
      // liburing 2.3 does not clear reused SQEs, and the prep helpers leave
      // some fields alone that newer kernels require to be zero.
      *sqe = io_uring_sqe{};
      return *sqe;
    }
    submit(false);
  }
}

void Ring::submit(bool wait) {
  for (;;) {
    // Never block for a new completion while one is at hand. Set-aside ones
    // are invisible to the kernel, which would wait for another (a 1 ms sleep
    // set aside by a refused submit then ended with the next timeout, 100 ms
    // later); checked on every pass, since one may arrive while a signal
    // interrupts the wait.
    const unsigned wait_nr = wait && !has_completions() ? 1 : 0;
    ++submit_calls_;
    const int r = submit_(&ring_, wait_nr);
    if (r >= 0) return;
    // Interrupted while waiting: what was submitted stays submitted (liburing
    // recomputes what is left from the SQ head), so simply enter again.
    if (r == -EINTR) continue;
    // Refused, nothing submitted: reaping the CQ (which flushes the kernel's
    // overflow backlog) makes room, so the caller dispatches and comes back.
    // With nothing to reap (-EAGAIN for want of memory), it simply comes back.
    if (r == -EBUSY || r == -EAGAIN) {
      set_aside();
      return;
    }
    throw std::system_error(-r, std::system_category(), "io_uring_enter");
  }
}

bool Ring::submit_and_wait_for(std::chrono::nanoseconds limit) {
  submit(false);
  if (!set_aside_.empty()) return true;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(limit);
  __kernel_timespec ts{};
  ts.tv_sec = seconds.count();
  ts.tv_nsec = (limit - seconds).count();
  io_uring_cqe* cqe = nullptr;
  for (;;) {
    const int r = io_uring_wait_cqe_timeout(&ring_, &cqe, &ts);
    if (r == 0) return true;
    if (r == -ETIME) return false;
    if (r == -EINTR) continue;
    throw std::system_error(-r, std::system_category(), "io_uring_wait_cqe_timeout");
  }
}

void Ring::set_aside() { reap(set_aside_); }

void Ring::reap(std::vector<Completion>& out) {
  if (&out != &set_aside_ && !set_aside_.empty()) {
    out.insert(out.end(), set_aside_.begin(), set_aside_.end());
    set_aside_.clear();
  }
  std::array<io_uring_cqe*, 256> batch{};
  for (;;) {
    // Also flushes the kernel's overflow backlog into the CQ when it has one.
    const unsigned n = io_uring_peek_batch_cqe(&ring_, batch.data(), static_cast<unsigned>(batch.size()));
    if (n == 0) return;
    out.reserve(out.size() + n);  // no throw between peeking and advancing
    for (unsigned i = 0; i < n; ++i) {
      // liburing's own timeout for io_uring_wait_cqe_timeout on kernels
      // without IORING_FEAT_EXT_ARG: not one of ours.
      if (batch[i]->user_data == LIBURING_UDATA_TIMEOUT) continue;
      out.push_back({batch[i]->user_data, batch[i]->res, batch[i]->flags});
    }
    io_uring_cq_advance(&ring_, n);
  }
}

}  // namespace concur_uring
