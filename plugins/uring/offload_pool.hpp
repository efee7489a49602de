// OffloadPool: helper threads that run Compute work off the loop thread and hand finished operations back through an eventfd.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "concur/io.hpp"
#include "event_loop.hpp"
#include "common/unique_fd.hpp"

namespace concur_uring {

using concur_plugins::UniqueFd;

// A helper thread runs op.work (exceptions go to op.failure), puts the op on a
// mutex-protected done list and bumps an eventfd. The loop watches the eventfd
// with a one-shot IORING_OP_POLL_ADD, re-armed after each event while work is
// outstanding (pitfall 3: multishot polls can end silently), so once nothing
// is outstanding (between batches) no poll is left in the kernel. On the loop
// thread it takes the done list and schedules each waiter: coroutines are
// never resumed on a helper thread.
//
// The threads start with the pool (in Strategy::start, so no batch pays for
// them) and wait, idle, between batches. submit(), outstanding() and stop()
// are called on the loop thread only.
class OffloadPool final : private CompletionHandler {
 public:
  // Starts `threads` helper threads; throws when the eventfd or a thread
  // cannot be made (the threads already started are joined first).
  OffloadPool(EventLoop& loop, unsigned threads);
  ~OffloadPool() { stop(); }
  OffloadPool(const OffloadPool&) = delete;
  OffloadPool& operator=(const OffloadPool&) = delete;

  // Queues the op; its waiter is scheduled on the loop once the work ran.
  // Throws std::logic_error after stop().
  void submit(concur::Io::Compute& op);
  // Ops submitted whose waiter has not been scheduled yet.
  std::size_t outstanding() const noexcept { return outstanding_; }
  // Helper threads running (none after stop()).
  unsigned threads() const noexcept { return static_cast<unsigned>(threads_.size()); }

  // Joins every thread (each finishes the work in hand first) and drops
  // queued and finished ops without scheduling them. The eventfd poll, if
  // armed, is left to EventLoop::cancel_all(). Idempotent.
  void stop() noexcept;

 private:
  void on_completion(void* context, int res, std::uint32_t flags) override;
  void work(std::stop_token stop) noexcept;
  void arm();

  EventLoop& loop_;
  UniqueFd eventfd_;
  std::size_t outstanding_ = 0;
  bool armed_ = false;

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<concur::Io::Compute*> queued_;  // guarded by mutex_
  std::vector<concur::Io::Compute*> done_;   // guarded by mutex_
  std::vector<concur::Io::Compute*> taken_;  // loop thread: done_ copied out under the lock

  std::vector<std::jthread> threads_;  // last: joined before the rest is destroyed
};

}  // namespace concur_uring
