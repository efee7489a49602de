// CurlTimer: curl's deadline noted, armed lazily as an IORING_OP_TIMEOUT or a call deferred to the next turn, and its expiry handed back to curl.
#include "curl_timer.hpp"

#include <cerrno>
#include <system_error>
#include <utility>

namespace concur_uring {

void CurlTimer::note(long timeout_ms) noexcept {
  if (timeout_ms < 0) {
    deadline_.reset();
  } else {
    deadline_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  changed_ = true;
}

void CurlTimer::apply() {
  if (!std::exchange(changed_, false) || !deadline_) return;  // none wanted: an armed request is ignored when it ends
  if (armed_ != 0 && armed_until_ <= *deadline_) return;      // ends first; re-armed for the rest then
  if (armed_ != 0) {
    loop_.cancel(armed_);
    armed_ = 0;
  }
  arm(*deadline_);
}

void CurlTimer::arm(Clock::time_point deadline) {
  const Clock::time_point now = Clock::now();
  if (deadline <= now) {
    armed_ = loop_.defer(*this, nullptr);
    armed_until_ = Clock::time_point::min();
    return;
  }
  const auto left = deadline - now;
  armed_ = loop_.start(*this, nullptr, [left](io_uring_sqe& sqe, __kernel_timespec& ts) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    ts.tv_sec = seconds.count();
    ts.tv_nsec = std::chrono::duration_cast<std::chrono::nanoseconds>(left - seconds).count();
    // Relative, from submission, which is no earlier than `now`: the
    // timeout ends at the deadline or after it, never before.
    io_uring_prep_timeout(&sqe, &ts, 0, 0);
  });
  armed_until_ = deadline;
}

void CurlTimer::on_completion(void*, int res, std::uint32_t) {
  armed_ = 0;
  // A deferred call comes with 0, an expired timeout with -ETIME.
  if (res < 0 && res != -ETIME) throw std::system_error(-res, std::system_category(), "io_uring timeout for libcurl");
  if (!deadline_) return;  // curl stopped wanting it after it was armed
  if (*deadline_ > Clock::now()) {
    arm(*deadline_);  // curl moved it later after it was armed
    return;
  }
  // Forgotten before curl is called: curl notes its next deadline during
  // the call whenever it changes, and it always does, since the one that
  // expired is gone from its timer tree.
  deadline_.reset();
  changed_ = false;
  expired_(owner_);
}

void CurlTimer::disarm() {
  deadline_.reset();
  changed_ = false;
  if (armed_ == 0) return;
  loop_.cancel(armed_);
  armed_ = 0;
}

void CurlTimer::forget() noexcept {
  try {
    disarm();
  } catch (...) {  // the ring broke: the slot stays live for EventLoop::cancel_all()
    armed_ = 0;
  }
}

}  // namespace concur_uring
