// BatchRunner: the scheduling loop of one batch (start, resume, reclaim, wait) and the idle check after it.
#include "batch_runner.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>

namespace concur_uring {

BatchRunner::BatchRunner(Engine& engine, concur::Batch& batch, unsigned workers)
    : engine_(engine),
      loop_(engine.loop()),
      io_(engine.io()),
      batch_(batch),
      size_(batch.size()),
      submissions_before_(engine.ring().submit_calls()),
      connections_before_(engine.http().connections_opened()) {
  if (workers == 0) throw std::invalid_argument("workers must be at least 1");
  if (const std::string left = engine.leftovers(); !left.empty()) {
    throw std::logic_error("the uring engine cannot run a batch: " + left);
  }
  const auto lanes = static_cast<unsigned>(std::min<std::size_t>(workers, size_));
  lanes_.resize(lanes);
  free_lanes_.reserve(lanes);
  finished_.reserve(lanes);  // task_done() then never allocates
  for (unsigned id = 0; id < lanes; ++id) {
    lanes_[id].runner = this;
    lanes_[id].id = id;
    free_lanes_.push_back(lanes - 1 - id);  // lane 0 is taken first
  }
}

BatchRunner::~BatchRunner() {
  if (!done_) engine_.shut_down();
  // lanes_ goes next, destroying unfinished tasks.
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
    if (completed_ == size_) break;
    // Tasks are suspended, so something must be due to wake them; if not,
    // a task awaited something other than this Io and would wait forever.
    if (io_.outstanding() == 0 || (loop_.in_kernel() == 0 && !loop_.has_deferred())) {
      throw std::runtime_error(std::to_string(in_flight_) +
                               " task(s) suspended without waiting on a uring Io operation; nothing can resume them");
    }
    loop_.wait_and_dispatch();
  }
  // Every task finished, so each of its requests completed and each compute
  // op came back: once the cancels still in flight are answered, anything
  // left is a bug that would leak into the next batch.
  engine_.settle();
  if (const std::string left = engine_.leftovers(); !left.empty()) {
    throw std::runtime_error("every task finished, but the batch left " + left);
  }
  done_ = true;
}

std::map<std::string, double> BatchRunner::counters() const {
  return {
      {"submissions", static_cast<double>(engine_.ring().submit_calls() - submissions_before_)},
      {"loop_peak_in_flight", static_cast<double>(peak_in_flight_)},
      {"http_connections", static_cast<double>(engine_.http().connections_opened() - connections_before_)},
  };
}

}  // namespace concur_uring
