// Io: the operations a task may wait on; each strategy supplies an implementation.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

namespace concur {

struct HttpResponse {
  long status = 0;      // HTTP status code; 0 when no response arrived
  std::string body;
  // Why the exchange failed (refused, reset, closed without a reply, timed
  // out, truncated, malformed, a body over the cap, too many redirects); empty
  // when a whole response arrived, whatever its status.
  std::string error;
  std::chrono::nanoseconds first_byte{0};  // from the request's start to the response's first byte; 0 if none came
};

// A task awaits Io operations: co_await io.sleep_for(100ms), co_await io.http_get(url),
// co_await io.compute([&] { ... }).
//
// An implementation either completes an operation inside begin() and returns
// true (blocking strategies), or returns false and later resumes op.waiter
// exactly once, after filling in the operation's result (event-loop strategies).
// Failures are reported through op.failure (rethrown inside the task) or, for
// HTTP, as data in the response.
class Io {
 public:
  struct Operation {
    std::coroutine_handle<> waiter;
    std::exception_ptr failure;
  };
  struct Sleep : Operation {
    std::chrono::nanoseconds duration{};
  };
  struct HttpGet : Operation {
    std::string url;
    std::chrono::nanoseconds timeout{0};  // for the whole request; zero means none
    std::uint64_t max_bytes = 0;          // a longer body is an error; zero means no cap
    HttpResponse response;
  };
  // CPU-bound work. An event loop should run it off the loop thread.
  struct Compute : Operation {
    std::function<void()> work;
  };

  virtual ~Io() = default;

  virtual bool begin(Sleep& op) noexcept = 0;
  virtual bool begin(HttpGet& op) noexcept = 0;
  virtual bool begin(Compute& op) noexcept = 0;

  template <class Op>
  struct Awaiter {
    Io& io;
    Op op;
    bool await_ready() noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h) noexcept {
      op.waiter = h;
      return !io.begin(op);  // nothing may touch *this after begin() handed op away
    }
    auto await_resume() {
      if (op.failure) std::rethrow_exception(op.failure);
      if constexpr (std::is_same_v<Op, HttpGet>) return std::move(op.response);
    }
  };

  Awaiter<Sleep> sleep_for(std::chrono::nanoseconds d) noexcept {
    Awaiter<Sleep> a{*this, {}};
    a.op.duration = d;
    return a;
  }
  Awaiter<HttpGet> http_get(std::string url, std::chrono::nanoseconds timeout = {}, std::uint64_t max_bytes = 0) {
    Awaiter<HttpGet> a{*this, {}};
    a.op.url = std::move(url);
    a.op.timeout = timeout;
    a.op.max_bytes = max_bytes;
    return a;
  }
  Awaiter<Compute> compute(std::function<void()> work) {
    Awaiter<Compute> a{*this, {}};
    a.op.work = std::move(work);
    return a;
  }
};

}  // namespace concur
