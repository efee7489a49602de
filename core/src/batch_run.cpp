#include "batch_run.hpp"

#include <chrono>

#include "blocking_io.hpp"

namespace concur {

namespace {
std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

BatchRun::BatchRun(const Workload& workload, TaskLog* log)
    : workload_(workload),
      log_(log),
      origin_ns_(steady_ns()),
      records_(workload.size()),
      runs_(std::make_unique<std::atomic<unsigned>[]>(workload.size())) {}

std::int64_t BatchRun::now_ns() const { return steady_ns() - origin_ns_; }

void BatchRun::problem(std::string text) {
  std::lock_guard lock(problems_mutex_);
  problems_.push_back(std::move(text));
}

std::unique_ptr<Io> BatchRun::blocking_io() { return make_blocking_io(); }

Task BatchRun::task(std::size_t index, Io& io, unsigned worker) noexcept { return wrap(index, io, worker); }

Task BatchRun::wrap(std::size_t index, Io& io, unsigned worker) {
  if (index >= records_.size()) {
    problem("the strategy asked for task " + std::to_string(index) + " of a batch of " +
            std::to_string(records_.size()));
    co_return Outcome::error("no such task");
  }
  const bool first_run = runs_[index].fetch_add(1) == 0;
  const unsigned now_in_flight = in_flight_.fetch_add(1) + 1;
  for (unsigned peak = peak_.load(); now_in_flight > peak && !peak_.compare_exchange_weak(peak, now_in_flight);) {
  }
  const std::int64_t start = now_ns();
  if (log_) log_->line(index, workload_.label(index), workload_.start_message(index));

  Outcome outcome = co_await workload_.run(index, io);

  const std::int64_t end = now_ns();
  in_flight_.fetch_sub(1);
  const std::uint64_t position = completions_.fetch_add(1);
  if (log_) {
    log_->line(index, workload_.label(index),
               outcome.status == Status::ok ? std::string("done.")
                                            : std::string(to_string(outcome.status)) + ": " + outcome.message);
  }
  if (first_run) {
    TaskRecord& r = records_[index];
    r.worker = worker;
    r.start_ns = start;
    r.end_ns = end;
    r.completion = position;
    r.outcome = outcome;
  }
  co_return outcome;
}

BatchSummary BatchRun::check(unsigned workers, const RunReport& report) const {
  BatchSummary s;
  s.tasks = records_.size();
  s.peak_in_flight = peak_.load();
  {
    std::lock_guard lock(problems_mutex_);
    s.problems = problems_;
  }
  if (!report.ok) s.problems.push_back("strategy failed: " + report.error);
  if (s.peak_in_flight > workers) {
    s.problems.push_back(std::to_string(s.peak_in_flight) + " tasks were in flight at once; the limit is " +
                         std::to_string(workers) + " workers");
  }
  std::size_t missing = 0;
  for (std::size_t i = 0; i < records_.size(); ++i) {
    const unsigned runs = runs_[i].load();
    if (runs == 0) {
      ++missing;
      continue;
    }
    if (runs > 1) s.problems.push_back(workload_.label(i) + " ran " + std::to_string(runs) + " times");
    const Outcome& o = records_[i].outcome;
    switch (o.status) {
      case Status::ok: ++s.ok; break;
      case Status::not_found: ++s.not_found; break;
      case Status::error: ++s.error; break;
    }
    s.bytes += o.bytes;
    if (std::string why = workload_.verify(i, o); !why.empty()) s.problems.push_back(workload_.label(i) + ": " + why);
  }
  if (missing > 0) {
    s.problems.push_back(std::to_string(missing) + " of " + std::to_string(records_.size()) +
                         " tasks never ran");
  }
  return s;
}

}  // namespace concur
