// BatchRunner: one batch on the engine: starts tasks up to the worker limit, refills freed lanes, leaves the engine idle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "concur/batch.hpp"
#include "concur/task.hpp"
#include "engine.hpp"

namespace concur_uring {

// The per-batch part of a run: lanes, the next index, completion counting.
// Everything here runs on the engine's thread.
class BatchRunner {
 public:
  // Throws std::invalid_argument for zero workers, std::logic_error when the
  // engine is not idle.
  BatchRunner(Engine& engine, concur::Batch& batch, unsigned workers);
  // Unless run() returned, tasks may still be suspended on requests, helper
  // threads or the ready queue: the engine is shut down first, so nothing
  // refers to them any more when the lanes destroy them.
  ~BatchRunner();
  BatchRunner(const BatchRunner&) = delete;
  BatchRunner& operator=(const BatchRunner&) = delete;

  // Runs every task; returns when all have finished and the engine is idle
  // again. Throws on any failure of the strategy itself (a task's exception is
  // its outcome, not a failure).
  void run();

  // Figures for run()'s RunReport::counters: submissions (io_uring_enter
  // calls in this batch), loop_peak_in_flight, http_connections (connections
  // libcurl opened in this batch: none when kept-alive ones served it).
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

  Engine& engine_;
  EventLoop& loop_;
  UringIo& io_;
  concur::Batch& batch_;
  const std::size_t size_;
  const std::uint64_t submissions_before_;  // the ring's count when the batch began
  const std::uint64_t connections_before_;  // the HTTP client's likewise
  std::vector<Lane> lanes_;
  std::vector<unsigned> free_lanes_;  // ids of idle lanes, taken from the back
  std::vector<unsigned> finished_;    // lanes whose task finished, not yet reclaimed
  std::size_t next_index_ = 0;        // next task to start
  std::size_t completed_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t peak_in_flight_ = 0;
  bool done_ = false;                 // run() returned: every task finished, the engine idle
};

}  // namespace concur_uring
