// UringIo: sleeps as io_uring timeouts, compute on the offload pool, HTTP through the engine's libcurl client.
#include "uring_io.hpp"

#include <cerrno>
#include <chrono>
#include <exception>
#include <system_error>

namespace concur_uring {

bool UringIo::begin(Sleep& op) noexcept {
  if (op.duration <= std::chrono::nanoseconds::zero()) return true;  // nothing to wait for
  try {
    loop_.start(*this, &op, [&op](io_uring_sqe& sqe, __kernel_timespec& ts) {
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(op.duration);
      ts.tv_sec = seconds.count();
      ts.tv_nsec = (op.duration - seconds).count();
      // The kernel copies `ts` when it takes the SQE; it lives in the loop's
      // slot until then, which may be a later submit than this one.
      io_uring_prep_timeout(&sqe, &ts, 0, 0);
    });
    ++sleeping_;
    return false;
  } catch (...) {
    return failed_to_start(op);
  }
}

bool UringIo::begin(HttpGet& op) noexcept {
  try {
    http_.begin(op);
    return false;
  } catch (...) {
    return failed_to_start(op);
  }
}

bool UringIo::begin(Compute& op) noexcept {
  try {
    pool_.submit(op);
    return false;
  } catch (...) {
    return failed_to_start(op);
  }
}

void UringIo::on_completion(void* context, int res, std::uint32_t) {
  auto& op = *static_cast<Sleep*>(context);
  --sleeping_;
  // A timeout that expires completes with -ETIME: that is the success case.
  // 0 would mean it was satisfied by a completion count, which count = 0 rules out.
  if (res != -ETIME && res != 0) {
    op.failure = std::make_exception_ptr(std::system_error(-res, std::system_category(), "io_uring timeout"));
  }
  loop_.schedule(op.waiter);
}

bool UringIo::failed_to_start(Operation& op) noexcept {
  op.failure = std::current_exception();
  loop_.fail(op.failure);
  return true;
}

}  // namespace concur_uring
