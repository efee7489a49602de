// Engine: what the uring strategy keeps from start() to stop(): the ring, the event loop, the offload pool and the Io.
#pragma once

#include <map>
#include <string>

#include "engine_config.hpp"
#include "event_loop.hpp"
#include "offload_pool.hpp"
#include "ring.hpp"
#include "uring_io.hpp"

namespace concur_uring {

// Made by Strategy::start(), so that no batch pays for setting up the ring or
// starting helper threads; batches run on it one after another (BatchRunner).
//
// Between batches the engine is idle: no request of ours is in the kernel
// (nothing is kept armed: the offload eventfd poll is armed only while compute
// is outstanding), no SQE is queued, no coroutine is waiting to be resumed, no
// Io operation is outstanding and no failure is recorded. A batch that finishes
// leaves it idle (BatchRunner checks); one that fails shuts it down.
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

  // "" when idle (see above); otherwise what is left, for an error message.
  std::string leftovers() const;

  // Stops the helper threads, cancels every request, waits (bounded) until
  // the kernel lets go of them and drops queued coroutines. Afterwards nothing
  // will resume or refer to a task of the batch in progress, so its tasks may
  // be destroyed; the engine runs no more batches. Idempotent.
  void shut_down() noexcept;
  bool is_shut_down() const noexcept { return shut_down_; }

  // Figures for start()'s RunReport::counters: offload_threads, ring_entries.
  std::map<std::string, double> counters() const;

 private:
  Ring ring_;
  EventLoop loop_;
  OffloadPool pool_;
  UringIo io_;
  const unsigned offload_threads_;
  bool shut_down_ = false;
};

}  // namespace concur_uring
