// EventLoop: tags every io_uring request, hands each completion to whoever started it, and resumes coroutines on the loop thread.
#pragma once

#include <liburing.h>

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <vector>

#include "ring.hpp"

namespace concur_uring {

// Whoever starts a request receives its completion: the Io for sleeps, the
// offload pool for its eventfd poll, the HTTP client for libcurl's socket
// polls and timer. Handlers run on the loop thread, outside any coroutine;
// they must not resume one themselves but schedule() it, so coroutines only
// ever run from run_ready().
class CompletionHandler {
 public:
  virtual void on_completion(void* context, int res, std::uint32_t flags) = 0;

 protected:
  ~CompletionHandler() = default;
};

// Not thread-safe: every member is called on the loop thread.
class EventLoop {
 public:
  // Identifies one request; what the SQE's user_data holds. Never 0.
  using Ticket = std::uint64_t;

  explicit EventLoop(Ring& ring) : ring_(ring) {}

  // Starts a request: `prep(sqe, timespec)` fills in the SQE (with an
  // io_uring_prep_* call); `timespec` is storage that stays put until the
  // request completes, for the ones that point the kernel at a
  // __kernel_timespec. The completion goes to handler.on_completion(context, ...)
  // unless cancel() comes first.
  template <class Prep>
  Ticket start(CompletionHandler& handler, void* context, Prep&& prep) {
    const std::uint32_t index = acquire(handler, context);
    try {
      io_uring_sqe& sqe = ring_.get_sqe();
      prep(sqe, slots_[index].timespec);
      const Ticket ticket = ticket_of(index);
      io_uring_sqe_set_data64(&sqe, ticket);
      ++in_kernel_;
      return ticket;
    } catch (...) {
      release(index);
      throw;
    }
  }

  // Calls handler.on_completion(context, 0, 0) on the next turn of the loop,
  // at the start of wait_and_dispatch(), before it blocks, and without the
  // kernel: for work that is due at once but must not run within the call
  // that found it due (libcurl's timer at 0 ms, noted inside a libcurl call).
  // What it starts goes into the kernel with that turn's submission. Its
  // ticket is cancelled like a request's.
  Ticket defer(CompletionHandler& handler, void* context);
  bool has_deferred() const noexcept { return !deferred_.empty(); }

  // Asks the kernel to cancel the request and forgets it at once: whatever
  // completion it still produces (-ECANCELED, or a result that raced the
  // cancel) carries a stale generation and is dropped. Pitfall 2: closing an
  // fd does not end a poll on it, so a poll source cancels before closing.
  // A deferred call is simply dropped.
  void cancel(Ticket ticket);
  // cancel() for every request still live (teardown).
  void cancel_all();

  // Queues a coroutine to be resumed by run_ready().
  void schedule(std::coroutine_handle<> waiter) { ready_.push_back(waiter); }
  // Resumes queued coroutines until none is left; true if it resumed any.
  bool run_ready();
  bool has_ready() const noexcept { return !ready_.empty(); }

  // One turn of the loop: runs the calls deferred to it, submits everything
  // queued and, unless completions are already at hand (Ring::submit), a
  // coroutine is ready or a call was deferred meanwhile, blocks until one
  // arrives (one io_uring_enter), then dispatches all available completions.
  // Call only with requests in the kernel or calls deferred; with neither
  // it never blocks.
  void wait_and_dispatch();

  // Teardown: waits (at most `limit`) until the kernel holds no request of
  // ours, dropping every completion. Call after cancel_all(). False when the
  // kernel did not answer in time or the ring failed.
  bool drain(std::chrono::nanoseconds limit) noexcept;

  // Requests submitted or queued whose completion has not been reaped yet,
  // cancel requests included.
  std::size_t in_kernel() const noexcept { return in_kernel_; }
  // Requests whose completion someone waits for (neither completed nor
  // cancelled), deferred calls included. When it is zero, whatever is still
  // in the kernel is a cancel or a cancelled request, and drain() loses
  // nothing.
  std::size_t live() const noexcept { return slots_.size() - free_.size(); }

  // A failure found where it cannot be thrown (inside Io::begin, which is
  // noexcept): the run stops at the next turn of the loop.
  void fail(std::exception_ptr error) noexcept {
    if (!failure_) failure_ = std::move(error);
  }
  const std::exception_ptr& failure() const noexcept { return failure_; }

  // Drops queued coroutines without resuming them (teardown).
  void forget_ready() noexcept { ready_.clear(); }

 private:
  // A slot per request in flight. The generation changes every time the slot
  // is freed, so user_data naming an earlier use is recognised as stale.
  struct Slot {
    std::uint32_t generation = 0;
    CompletionHandler* handler = nullptr;  // null while free
    void* context = nullptr;
    bool deferred = false;                 // a deferred call, not a request in the kernel
    __kernel_timespec timespec{};
  };

  // user_data = generation << 32 | (index + 1): never 0, which marks the
  // cancel requests whose own completions nobody waits for.
  Ticket ticket_of(std::uint32_t index) const noexcept {
    return (static_cast<Ticket>(slots_[index].generation) << 32) | (static_cast<Ticket>(index) + 1);
  }
  // The live slot a ticket names, or null when the ticket is stale.
  Slot* live(Ticket ticket) noexcept;

  std::uint32_t acquire(CompletionHandler& handler, void* context);
  void release(std::uint32_t index) noexcept;
  void dispatch();
  void run_deferred();

  Ring& ring_;
  std::deque<Slot> slots_;             // a deque: growing it never moves a timespec the kernel may still read
  std::vector<std::uint32_t> free_;    // free slot indexes
  std::size_t in_kernel_ = 0;
  std::vector<std::coroutine_handle<>> ready_;
  std::vector<std::coroutine_handle<>> resuming_;
  std::vector<Completion> completions_;
  std::vector<Ticket> deferred_;          // calls for the next turn
  std::vector<Ticket> running_deferred_;  // this turn's, being run
  std::exception_ptr failure_;
};

}  // namespace concur_uring
