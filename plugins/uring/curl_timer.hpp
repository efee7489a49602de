// CurlTimer: libcurl's one timer as an io_uring timeout or, when curl says "now", a call on the loop's next turn.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "event_loop.hpp"

namespace concur_uring {

// libcurl's multi_socket interface asks, through CURLMOPT_TIMERFUNCTION, to
// be called with CURL_SOCKET_TIMEOUT once a delay has passed; this keeps a
// request in the kernel that completes then.
//
// note() runs inside the libcurl callback and only records the deadline;
// apply(), once the libcurl call returned, puts it in the kernel: an
// IORING_OP_TIMEOUT with count 0 (pitfall 4: a count would let other
// completions end it early). For 0 ms ("act now", as after every
// curl_multi_add_handle) it defers the call to the loop's next turn
// (EventLoop::defer) instead: curl is called again then, not from within the
// call that asked, and what that call sends and arms goes into the kernel
// with the same io_uring_enter that waits, not one round trip later.
//
// curl moves its deadline with nearly every call. One that moves earlier
// replaces the request (cancelled through the EventLoop); one that moves
// later or goes away leaves the earlier request armed, and when that
// completes it is armed again for what is left, or ignored: fewer requests
// than replacing each time, and never later than curl asked.
//
// Loop thread only.
class CurlTimer final : private CompletionHandler {
 public:
  // The deadline passed: call curl_multi_socket_action(CURL_SOCKET_TIMEOUT).
  using Expired = void (*)(void* owner);

  CurlTimer(EventLoop& loop, Expired expired, void* owner) noexcept : loop_(loop), expired_(expired), owner_(owner) {}
  CurlTimer(const CurlTimer&) = delete;
  CurlTimer& operator=(const CurlTimer&) = delete;

  // Inside CURLMOPT_TIMERFUNCTION: call back in `timeout_ms`; -1: never.
  void note(long timeout_ms) noexcept;
  // After the libcurl call returned: a request is in the kernel (or a call
  // deferred) that completes no later than curl asked. Throws when the ring
  // does.
  void apply();

  // Cancels the request in the kernel and forgets curl's deadline: between
  // batches (curl wants none once no transfer is left; the next transfer
  // brings a new one) and at teardown. Throws when the ring does.
  void disarm();
  // disarm() for teardown: a cancel the ring refuses is left to
  // EventLoop::cancel_all().
  void forget() noexcept;

  bool wanted() const noexcept { return deadline_.has_value(); }

 private:
  using Clock = std::chrono::steady_clock;

  void on_completion(void* context, int res, std::uint32_t flags) override;
  void arm(Clock::time_point deadline);

  EventLoop& loop_;
  Expired expired_;
  void* owner_;
  std::optional<Clock::time_point> deadline_;  // what curl wants; none: no call back
  bool changed_ = false;                       // noted since the last apply()
  EventLoop::Ticket armed_ = 0;                // the request in the kernel; 0: none
  Clock::time_point armed_until_{};            // when it completes (deferred: at once)
};

}  // namespace concur_uring
