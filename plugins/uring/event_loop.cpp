// EventLoop: slot allocation with generations, cancellation, completion dispatch and the ready queue.
#include "event_loop.hpp"

#include <utility>
#include <vector>

namespace concur_uring {

std::uint32_t EventLoop::acquire(CompletionHandler& handler, void* context) {
  std::uint32_t index = 0;
  if (free_.empty()) {
    slots_.emplace_back();
    index = static_cast<std::uint32_t>(slots_.size() - 1);
    try {
      free_.reserve(slots_.size());  // release() then never allocates
    } catch (...) {
      slots_.pop_back();
      throw;
    }
  } else {
    index = free_.back();
    free_.pop_back();
  }
  slots_[index].handler = &handler;
  slots_[index].context = context;
  return index;
}

void EventLoop::release(std::uint32_t index) noexcept {
  Slot& slot = slots_[index];
  slot.handler = nullptr;
  slot.context = nullptr;
  slot.deferred = false;
  ++slot.generation;
  free_.push_back(index);
}

EventLoop::Slot* EventLoop::live(Ticket ticket) noexcept {
  const std::uint64_t index_plus_one = ticket & 0xffffffffu;
  if (index_plus_one == 0 || index_plus_one > slots_.size()) return nullptr;
  Slot& slot = slots_[index_plus_one - 1];
  if (slot.handler == nullptr || slot.generation != static_cast<std::uint32_t>(ticket >> 32)) return nullptr;
  return &slot;
}

EventLoop::Ticket EventLoop::defer(CompletionHandler& handler, void* context) {
  const std::uint32_t index = acquire(handler, context);
  const Ticket ticket = ticket_of(index);
  try {
    deferred_.push_back(ticket);
  } catch (...) {
    release(index);
    throw;
  }
  slots_[index].deferred = true;
  return ticket;
}

void EventLoop::cancel(Ticket ticket) {
  Slot* slot = live(ticket);
  if (slot == nullptr) return;
  if (slot->deferred) {
    std::erase(deferred_, ticket);  // one or two at most: only libcurl's timer defers
    release(static_cast<std::uint32_t>((ticket & 0xffffffffu) - 1));
    return;
  }
  io_uring_sqe& sqe = ring_.get_sqe();
  io_uring_prep_cancel64(&sqe, ticket, 0);
  io_uring_sqe_set_data64(&sqe, 0);
  ++in_kernel_;
  release(static_cast<std::uint32_t>((ticket & 0xffffffffu) - 1));
}

void EventLoop::cancel_all() {
  for (std::uint32_t index = 0; index < slots_.size(); ++index) {
    if (slots_[index].handler != nullptr) cancel(ticket_of(index));
  }
}

bool EventLoop::run_ready() {
  bool resumed = false;
  while (!ready_.empty()) {
    // Swap first: a resumed coroutine may schedule another (or itself).
    resuming_.swap(ready_);
    for (std::coroutine_handle<> waiter : resuming_) waiter.resume();
    resuming_.clear();
    resumed = true;
  }
  return resumed;
}

void EventLoop::wait_and_dispatch() {
  run_deferred();
  // Never block with work at hand: a coroutine a deferred call scheduled, a
  // call deferred again, or nothing at all that could end the wait.
  ring_.submit(ready_.empty() && deferred_.empty() && in_kernel_ > 0);
  dispatch();
}

void EventLoop::run_deferred() {
  running_deferred_.clear();  // leftovers of a run a handler's exception cut short
  // Swapped out first: calls deferred while these run wait for the next turn.
  running_deferred_.swap(deferred_);
  for (const Ticket ticket : running_deferred_) {
    Slot* slot = live(ticket);
    if (slot == nullptr) continue;  // cancelled by a call run before it
    CompletionHandler* handler = slot->handler;
    void* context = slot->context;
    release(static_cast<std::uint32_t>((ticket & 0xffffffffu) - 1));
    handler->on_completion(context, 0, 0);
  }
  running_deferred_.clear();
}

void EventLoop::dispatch() {
  completions_.clear();  // leftovers of a dispatch a handler's exception cut short
  ring_.reap(completions_);
  in_kernel_ -= completions_.size();  // every request we make completes exactly once
  for (const Completion& c : completions_) {
    Slot* slot = live(c.user_data);
    if (slot == nullptr) continue;  // a cancel request's own answer, or a cancelled request's
    CompletionHandler* handler = slot->handler;
    void* context = slot->context;
    // Freed before the handler runs, so the handler may start a new request
    // (re-arming a one-shot poll) in the same slot.
    release(static_cast<std::uint32_t>((c.user_data & 0xffffffffu) - 1));
    handler->on_completion(context, c.res, c.flags);
  }
  completions_.clear();
}

bool EventLoop::drain(std::chrono::nanoseconds limit) noexcept {
  try {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (in_kernel_ > 0) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::nanoseconds::zero() || !ring_.submit_and_wait_for(left)) return false;
      completions_.clear();
      ring_.reap(completions_);
      in_kernel_ -= completions_.size();
      completions_.clear();
    }
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace concur_uring
