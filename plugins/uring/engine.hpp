// Engine: what the uring strategy keeps from start() to stop(): the ring, the event loop, the offload pool, the HTTP client and the Io.
#pragma once

#include <map>
#include <string>

#include "engine_config.hpp"
#include "event_loop.hpp"
#include "http_client.hpp"
#include "offload_pool.hpp"
#include "ring.hpp"
#include "uring_io.hpp"

namespace concur_uring {

// Made by Strategy::start(), so that no batch pays for setting up the ring,
// starting helper threads or making libcurl's multi handle; batches run on it
// one after another (BatchRunner).
//
// Between batches the engine is idle: no request of ours is in the kernel
// (nothing is kept armed: the offload eventfd poll is armed only while compute
// is outstanding, a poll on a libcurl socket only while a transfer uses it,
// curl's timer only while curl wants it), no SQE is queued, no coroutine is
// waiting to be resumed, no Io operation is outstanding, libcurl watches no
// socket and wants no timer, and no failure is recorded. What an idle engine
// does keep is libcurl's idle keep-alive connections, open sockets with no
// poll on them: the next batch reuses them, and curl asks for a poll again
// when it does. A batch that finishes leaves the engine idle (settle(), then
// BatchRunner checks); one that fails shuts it down.
//
// Used on one thread, the one that calls start() and run(). Members are
// declared in dependency order (ring first), so they are destroyed in reverse.
class Engine {
 public:
  // Sets up the ring and starts the helper threads. Throws RingSetupError
  // when the kernel refuses the ring, std::system_error for the rest.
  explicit Engine(const EngineConfig& config);
  ~Engine() { shut_down(); }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Ring& ring() noexcept { return ring_; }
  EventLoop& loop() noexcept { return loop_; }
  UringIo& io() noexcept { return io_; }
  HttpClient& http() noexcept { return http_; }

  // After a batch whose every task finished: cancels a timer request curl
  // no longer wants, then waits (bounded) until the kernel has answered the
  // cancels still in it, so that nothing is left there (see above). Only
  // drains when no live request is left: a live one is a leftover to report,
  // not a completion to drop. Throws when the ring does.
  void settle();

  // "" when idle (see above); otherwise what is left, for an error message.
  std::string leftovers() const;

  // Stops the helper threads, takes every transfer out of libcurl's hands,
  // cancels every request, waits (bounded) until the kernel lets go of them
  // and drops queued coroutines. Afterwards nothing will resume or refer to a
  // task of the batch in progress, so its tasks may be destroyed; the engine
  // runs no more batches. libcurl's multi handle and its connections go with
  // the engine, after the loop is drained. Idempotent.
  void shut_down() noexcept;
  bool is_shut_down() const noexcept { return shut_down_; }

  // Figures for start()'s RunReport::counters: offload_threads, ring_entries.
  std::map<std::string, double> counters() const;

 private:
  Ring ring_;
  EventLoop loop_;
  OffloadPool pool_;
  HttpClient http_;
  UringIo io_;
  const unsigned offload_threads_;
  bool shut_down_ = false;
};

}  // namespace concur_uring
