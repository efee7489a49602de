// BatchRunner: the scheduling loop of one run (start, resume, reclaim, wait) and its orderly teardown.
#include "batch_runner.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>

namespace concur_uring {
BatchRunner::BatchRunner(concur::Batch& batch, const RunConfig& config)
    : batch_(batch),
      size_(batch.size()),
      ring_(ring_shape(static_cast<unsigned>(std::min<std::size_t>(config.workers, size_)), config.ring_entries)),
      loop_(ring_),
      pool_(loop_, config.offload_threads),
      io_(loop_, pool_) {
  if (config.workers == 0) throw std::invalid_argument("workers must be at least 1");
  const auto lanes = static_cast<unsigned>(std::min<std::size_t>(config.workers, size_));
  lanes_.resize(lanes);
  free_lanes_.reserve(lanes);
  finished_.reserve(lanes);  // task_done() then never allocates
  for (unsigned id = 0; id < lanes; ++id) {
    lanes_[id].runner = this;
    lanes_[id].id = id;
    free_lanes_.push_back(lanes - 1 - id);  // lane 0 is taken first
  }
}

void BatchRunner::task_done(void* context) noexcept {
  // Runs when a task finishes: inside Task::start() for a task that never
  // suspends, or inside EventLoop::run_ready(). Starting the next task here
  // would recurse (and destroying the task would pull its frame from under
  // start()), so only note it; the loop reclaims the lane.
  auto& lane = *static_cast<Lane*>(context);
  BatchRunner& runner = *lane.runner;
  runner.finished_.push_back(lane.id);
  --runner.in_flight_;
  ++runner.completed_;
}

bool BatchRunner::start_tasks() {
  bool started = false;
  while (!free_lanes_.empty() && next_index_ < size_) {
    const unsigned id = free_lanes_.back();
    Lane& lane = lanes_[id];
    lane.task = batch_.task(next_index_, io_, id);
    if (!lane.task) throw std::runtime_error("the batch returned no task for index " + std::to_string(next_index_));
    free_lanes_.pop_back();
    ++next_index_;
    peak_in_flight_ = std::max(peak_in_flight_, ++in_flight_);
    started = true;
    lane.task.start(&BatchRunner::task_done, &lane);
  }
  return started;
}

bool BatchRunner::reclaim_lanes() {
  if (finished_.empty()) return false;
  for (const unsigned id : finished_) {
    lanes_[id].task = {};  // destroys the finished coroutine frame
    free_lanes_.push_back(id);
  }
  finished_.clear();
  return true;
}

void BatchRunner::run() {
  for (;;) {
    // Start, resume and reclaim until none of them has anything left to do:
    // a reclaimed lane can start a task, which may finish at once, and so on.
    bool progress = true;
    while (progress) {
      if (loop_.failure()) std::rethrow_exception(loop_.failure());
      progress = start_tasks();
      progress = loop_.run_ready() || progress;
      progress = reclaim_lanes() || progress;
    }
    if (loop_.failure()) std::rethrow_exception(loop_.failure());
    if (completed_ == size_) return;
    // Tasks are suspended, so something must be due to wake them; if not,
    // a task awaited something other than this Io and would wait forever.
    if (io_.outstanding() == 0 || loop_.in_kernel() == 0) {
      throw std::runtime_error(std::to_string(in_flight_) +
                               " task(s) suspended without waiting on a uring Io operation; nothing can resume them");
    }
    loop_.wait_and_dispatch();
  }
}

void BatchRunner::teardown() noexcept {
  pool_.stop();  // no helper thread touches an op from here on
  try {
    loop_.cancel_all();
  } catch (...) {  // the ring broke: nothing more can be asked of it
  }
  // Bounded: cancelling timeouts and polls is immediate; if the kernel does not
  // answer, destroying the ring cancels the rest, and none of our requests
  // lets the kernel write into memory we free below.
  loop_.drain(std::chrono::seconds(2));
  loop_.forget_ready();
  lanes_.clear();  // destroys unfinished tasks; nothing refers to their frames any more
}

std::map<std::string, double> BatchRunner::counters() const {
  return {
      {"offload_threads", static_cast<double>(pool_.started())},
      {"submissions", static_cast<double>(ring_.submit_calls())},
      {"peak_in_flight", static_cast<double>(peak_in_flight_)},
      {"ring_entries", static_cast<double>(ring_.sq_entries())},
  };
}

}  // namespace concur_uring
