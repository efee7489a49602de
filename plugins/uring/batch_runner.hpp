// BatchRunner: one run of a batch on the event loop: starts tasks up to the worker limit, refills freed lanes, tears down safely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "concur/batch.hpp"
#include "concur/task.hpp"
#include "event_loop.hpp"
#include "offload_pool.hpp"
#include "ring.hpp"
#include "uring_io.hpp"

namespace concur_uring {

struct RunConfig {
  unsigned workers = 1;          // tasks in flight at most
  unsigned offload_threads = 1;  // helper threads for Compute
  unsigned ring_entries = 4096;  // SQ size
};

// Everything here runs on the thread that calls run(). Members are declared
// in dependency order (ring first), so they are destroyed in the reverse.
class BatchRunner {
 public:
  // Sets up the ring; throws std::system_error when it cannot.
  BatchRunner(concur::Batch& batch, const RunConfig& config);
  // Tears down: see teardown().
  ~BatchRunner() { teardown(); }
  BatchRunner(const BatchRunner&) = delete;
  BatchRunner& operator=(const BatchRunner&) = delete;

  // Runs every task; returns when all have finished. Throws on any failure of
  // the strategy itself (a task's exception is its outcome, not a failure).
  void run();

  // Figures for RunReport::counters.
  std::map<std::string, double> counters() const;

 private:
  // A worker id and the task it runs. The Task done-callback gets a pointer
  // to its lane (the vector is sized once, so the pointer stays valid).
  struct Lane {
    BatchRunner* runner = nullptr;
    unsigned id = 0;
    concur::Task task;
  };

  static void task_done(void* lane) noexcept;
  bool start_tasks();
  bool reclaim_lanes();
  // Stops helper threads, cancels and drains every request, then destroys the
  // tasks that did not finish: only once nothing can resume them any more.
  void teardown() noexcept;

  concur::Batch& batch_;
  const std::size_t size_;
  Ring ring_;
  EventLoop loop_;
  OffloadPool pool_;
  UringIo io_;
  std::vector<Lane> lanes_;
  std::vector<unsigned> free_lanes_;  // ids of idle lanes, taken from the back
  std::vector<unsigned> finished_;    // lanes whose task finished, not yet reclaimed
  std::size_t next_index_ = 0;        // next task to start
  std::size_t completed_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t peak_in_flight_ = 0;
};

}  // namespace concur_uring
