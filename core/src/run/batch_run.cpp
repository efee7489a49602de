#include "run/batch_run.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "host/remote_ticket.hpp"
#include "util/blocking_io.hpp"
#include "util/outcome_text.hpp"

namespace concur {

namespace {
std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string ms_text(std::int64_t ns) { return std::to_string(ns / 1'000'000) + " ms"; }
}  // namespace

BatchRun::BatchRun(const BuiltEntry& entry, bool remote_tasks, TaskLog* log)
    : entry_(entry),
      workload_(*entry.workload),
      remote_tasks_(remote_tasks),
      log_(log),
      records_(workload_.size()),
      runs_(std::make_unique<std::atomic<unsigned>[]>(workload_.size())),
      begun_(workload_.begin_batch()) {}

void BatchRun::problem(std::string text) {
  std::lock_guard lock(problems_mutex_);
  problems_.push_back(std::move(text));
}

std::unique_ptr<Io> BatchRun::blocking_io() { return make_blocking_io(); }

Task BatchRun::task(std::size_t index, Io& io, unsigned worker) noexcept { return wrap(index, io, worker); }

RunReport BatchRun::run(Strategy& strategy, const RunOptions& options) {
  window_open_.store(steady_ns());
  RunReport report = strategy.run(*this, options);
  window_close_ = steady_ns();
  return report;
}

bool BatchRun::claim(std::size_t index) {
  if (index >= records_.size()) {
    problem("the strategy asked for task " + std::to_string(index) + " of a batch of " +
            std::to_string(records_.size()));
    return false;
  }
  return runs_[index].fetch_add(1) == 0;
}

void BatchRun::log_end(std::size_t index, const Outcome& outcome) {
  if (!log_) return;
  log_->line(index, workload_.label(index), outcome.status == Status::ok ? "done." : describe_outcome(outcome));
}

std::string BatchRun::remote_ticket() const { return concur::remote_ticket(entry_.description); }

void BatchRun::record(std::string_view sealed) noexcept {
  try {
    if (!remote_tasks_) {
      return problem("the strategy handed in a record, but runs tasks in concur's process (isolates_tasks() is false)");
    }
    std::string why;
    std::optional<RemoteRecord> r = unseal(sealed, entry_.id, why);
    if (!r) return problem("the strategy handed in " + why);
    if (log_) {
      // Logged when the record arrives, stamped with when it happened in the other process.
      const auto wall = [now_wall = TaskLog::Clock::now(), now_steady = steady_ns()](std::int64_t at) {
        return now_wall - std::chrono::duration_cast<TaskLog::Clock::duration>(std::chrono::nanoseconds(now_steady - at));
      };
      if (r->index < records_.size()) {
        const std::string& label = workload_.label(r->index);
        log_->line(r->index, label, workload_.start_message(r->index), wall(r->start_ns));
        log_->line(r->index, label, r->outcome.status == Status::ok ? "done." : describe_outcome(r->outcome),
                   wall(r->end_ns));
      }
    }
    record_remote(r->index, r->worker, r->start_ns, r->end_ns, std::move(r->outcome));
  } catch (...) {
    problem("could not store a record the strategy handed in");
  }
}

void BatchRun::fail(std::size_t index, unsigned worker, std::int64_t started_ns, std::string_view why) noexcept {
  try {
    if (!remote_tasks_) {
      return problem("the strategy reported task " + std::to_string(index) +
                     " lost, but runs tasks in concur's process (isolates_tasks() is false)");
    }
    const std::int64_t now = steady_ns();
    if (log_ && index < records_.size()) log_->line(index, workload_.label(index), "error: " + std::string(why));
    record_remote(index, worker, std::min(started_ns, now), now, Outcome::error(std::string(why)));
  } catch (...) {
    problem("could not store the failure of task " + std::to_string(index));
  }
}

void BatchRun::record_remote(std::size_t index, unsigned worker, std::int64_t start, std::int64_t end, Outcome outcome) {
  // A record from before this run (a replay) or claiming to end later than
  // now (made up) is no measurement of this batch.
  const std::int64_t open = window_open_.load();
  const std::int64_t now = steady_ns();
  if (open == 0 || start < open || end > now || start > end) {
    return problem("the strategy handed in a record for task " + std::to_string(index) +
                   " that does not lie inside this run (from " + ms_text(start - open) + " to " + ms_text(end - open) +
                   " after it started, " + ms_text(now - open) + " ago)");
  }
  if (!claim(index)) return;
  TaskRecord& r = records_[index];
  r.worker = worker;
  r.start_ns = start;
  r.end_ns = end;
  r.completion = completions_.fetch_add(1);
  r.outcome = std::move(outcome);
  if (tick_) tick_();
}

Task BatchRun::wrap(std::size_t index, Io& io, unsigned worker) {
  if (index >= records_.size()) {
    claim(index);
    co_return Outcome::error("no such task");
  }
  const bool first_run = claim(index);
  const unsigned now_in_flight = in_flight_.fetch_add(1) + 1;
  for (unsigned peak = peak_.load(); now_in_flight > peak && !peak_.compare_exchange_weak(peak, now_in_flight);) {
  }
  const std::int64_t start = steady_ns();
  if (log_) log_->line(index, workload_.label(index), workload_.start_message(index));

  Outcome outcome = co_await workload_.run(index, io);

  const std::int64_t end = steady_ns();
  in_flight_.fetch_sub(1);
  const std::uint64_t position = completions_.fetch_add(1);
  log_end(index, outcome);
  if (tick_) tick_();
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

unsigned BatchRun::peak_from_intervals() const {
  std::vector<std::pair<std::int64_t, int>> events;  // (time, +1 start / -1 end)
  for (std::size_t i = 0; i < records_.size(); ++i) {
    if (runs_[i].load() == 0) continue;
    events.emplace_back(records_[i].start_ns, +1);
    events.emplace_back(records_[i].end_ns, -1);
  }
  // Ends sort before starts at the same instant: a worker that finishes one
  // task and starts the next in the same nanosecond ran them one after another.
  std::sort(events.begin(), events.end());
  int now = 0, peak = 0;
  for (const auto& [time, delta] : events) peak = std::max(peak, now += delta);
  return static_cast<unsigned>(peak);
}

std::vector<TaskRecord> BatchRun::records() const {
  std::vector<TaskRecord> out = records_;
  const std::int64_t open = window_open_.load();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (runs_[i].load() == 0) continue;
    out[i].start_ns -= open;
    out[i].end_ns -= open;
  }
  return out;
}

BatchSummary BatchRun::check(unsigned workers, const RunReport& report) const {
  BatchSummary s;
  s.tasks = records_.size();
  // The live counter sees in-process tasks exactly; the recorded intervals
  // also cover tasks run in other processes. Each interval lies inside the
  // span the counter counted, so the larger of the two is never an overcount.
  s.peak_in_flight = std::max(peak_.load(), peak_from_intervals());
  {
    std::lock_guard lock(problems_mutex_);
    s.problems = problems_;
  }
  if (!report.ok) s.problems.push_back("strategy failed: " + report.error);
  if (s.peak_in_flight > workers) {
    s.problems.push_back(std::to_string(s.peak_in_flight) + " tasks were in flight at once; the limit is workers = " +
                         std::to_string(workers));
  }
  const std::int64_t open = window_open_.load();
  std::size_t missing = 0, outside = 0;
  for (std::size_t i = 0; i < records_.size(); ++i) {
    const unsigned runs = runs_[i].load();
    if (runs == 0) {
      ++missing;
      continue;
    }
    if (runs > 1) s.problems.push_back(workload_.label(i) + " ran " + std::to_string(runs) + " times");
    const TaskRecord& r = records_[i];
    if (open == 0 || r.start_ns < open || r.end_ns > window_close_) ++outside;
    const Outcome& o = r.outcome;
    switch (o.status) {
      case Status::ok: ++s.ok; break;
      case Status::not_found: ++s.not_found; break;
      case Status::error: ++s.error; break;
    }
    s.bytes += o.bytes;
    std::string why;
    try {
      why = workload_.verify(i, o);
    } catch (const std::exception& e) {
      why = std::string("cannot be verified: ") + e.what();
    }
    if (!why.empty()) s.problems.push_back(workload_.label(i) + ": " + why);
  }
  if (missing == 0) {
    const Workload::Tally tally{s.ok, s.not_found, s.error};
    try {
      if (std::string why = workload_.verify_batch(begun_, tally); !why.empty()) s.problems.push_back(why);
    } catch (const std::exception& e) {
      s.problems.push_back(std::string("the batch cannot be verified: ") + e.what());
    }
  }
  if (outside > 0) {
    s.problems.push_back(std::to_string(outside) + " of " + std::to_string(records_.size()) +
                         " tasks started or ended outside Strategy::run");
  }
  if (missing > 0) {
    s.problems.push_back(std::to_string(missing) + " of " + std::to_string(records_.size()) +
                         " tasks never ran");
  }
  return s;
}

}  // namespace concur
