// Task: the coroutine type every workload task is written as; it yields one Outcome.
#pragma once

#include <coroutine>
#include <utility>

#include "concur/outcome.hpp"

namespace concur {

// A lazily started coroutine producing an Outcome. Exceptions escaping the body
// become an error Outcome, so resuming a Task never throws.
//
// A strategy starts a task with start(). With a blocking Io the task runs to
// completion inside start(); with a suspending Io it returns at the first
// suspension and the Io resumes it later. The optional done-callback runs
// exactly once, when the task finishes, on the thread that finished it; it may
// destroy the Task.
//
// Tasks may also co_await other Tasks (nesting); the inner outcome is the
// value of the co_await expression.
class [[nodiscard]] Task {
 public:
  using DoneCallback = void (*)(void* context) noexcept;

  struct promise_type {
    Outcome outcome;
    std::coroutine_handle<> continuation;
    DoneCallback on_done = nullptr;
    void* on_done_context = nullptr;

    Task get_return_object() noexcept { return Task{Handle::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }

    struct FinalAwaiter {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        auto& p = h.promise();
        if (p.continuation) return p.continuation;
        // Copy first: the callback may destroy this frame.
        if (auto cb = p.on_done) cb(p.on_done_context);
        return std::noop_coroutine();
      }
      void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }

    void return_value(Outcome o) noexcept { outcome = std::move(o); }
    void unhandled_exception() noexcept { outcome = Outcome::from_current_exception(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task() noexcept = default;
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  explicit operator bool() const noexcept { return static_cast<bool>(handle_); }
  bool done() const noexcept { return handle_ && handle_.done(); }

  // Runs the task until it finishes or first suspends.
  void start() noexcept { handle_.resume(); }
  void start(DoneCallback on_done, void* context) noexcept {
    handle_.promise().on_done = on_done;
    handle_.promise().on_done_context = context;
    handle_.resume();
  }

  // Valid once done().
  const Outcome& outcome() const noexcept { return handle_.promise().outcome; }
  Outcome take_outcome() noexcept { return std::move(handle_.promise().outcome); }

  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle inner;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> outer) noexcept {
        inner.promise().continuation = outer;
        return inner;
      }
      Outcome await_resume() noexcept { return std::move(inner.promise().outcome); }
    };
    return Awaiter{handle_};
  }

 private:
  explicit Task(Handle h) noexcept : handle_(h) {}
  void reset() noexcept {
    if (handle_) handle_.destroy();
    handle_ = {};
  }
  Handle handle_;
};

}  // namespace concur
