// UringIo: the Io the uring strategy hands its tasks: operations suspend the coroutine and the event loop resumes it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "concur/io.hpp"
#include "event_loop.hpp"
#include "http_client.hpp"
#include "offload_pool.hpp"

namespace concur_uring {

// One per engine, from start() to stop(), serving batch after batch; used on
// the loop thread only. An operation that cannot be started (ring failure, out
// of memory) completes at once with the error in op.failure and also fails
// the batch through EventLoop::fail(): it is the strategy that broke, not the
// task.
class UringIo final : public concur::Io, private CompletionHandler {
 public:
  UringIo(EventLoop& loop, OffloadPool& pool, HttpClient& http) noexcept : loop_(loop), pool_(pool), http_(http) {}

  // IORING_OP_TIMEOUT, relative, count = 0 (pitfall 4: a count > 0 makes it
  // fire after that many other completions, i.e. early).
  bool begin(Sleep& op) noexcept override;
  // A libcurl transfer on the engine's HttpClient; what went wrong with the
  // exchange is in op.response.error, as from the blocking Io.
  bool begin(HttpGet& op) noexcept override;
  // Runs op.work on the offload pool.
  bool begin(Compute& op) noexcept override;

  // Operations started and not yet handed back to the loop: while a task is
  // suspended and this is zero, nothing will ever resume it. Zero again when
  // a batch has finished; meaningless once the engine shut down (cancelled
  // sleeps never come back to be counted off), but nothing asks then.
  std::size_t outstanding() const noexcept { return sleeping_ + pool_.outstanding() + http_.outstanding(); }

 private:
  void on_completion(void* context, int res, std::uint32_t flags) override;
  bool failed_to_start(Operation& op) noexcept;

  EventLoop& loop_;
  OffloadPool& pool_;
  HttpClient& http_;
  std::size_t sleeping_ = 0;
};

}  // namespace concur_uring
