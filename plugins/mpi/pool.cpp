// Pool: runs through rank 0, the job's end turned into error outcomes and a new job, CPU counted from the ranks' reports.
#include "pool.hpp"

#include <stdexcept>

#include "common/ending_text.hpp"
#include "host_facts.hpp"
#include "mpirun_report.hpp"

namespace concur_mpi {
namespace {

// Jobs lost in one run to a rank that was running no task (rank 0, an idle
// worker killed from outside) are replaced this many times; then the run fails.
constexpr unsigned max_deaths_without_task = 3;

// The indexes not yet ended, as ranges for rank 0.
RunMessage left_to_run(const std::vector<bool>& ended) {
  RunMessage run;
  for (std::uint64_t i = 0; i < ended.size();) {
    if (ended[i]) {
      ++i;
      continue;
    }
    std::uint64_t end = i;
    while (end < ended.size() && !ended[end]) ++end;
    run.ranges.emplace_back(i, end);
    i = end;
  }
  return run;
}

}  // namespace

Pool::Pool(JobSettings settings, std::string ticket, unsigned lanes, std::chrono::nanoseconds task_timeout)
    : settings_(std::move(settings)), ticket_(std::move(ticket)), lanes_(lanes), task_timeout_(task_timeout) {}

void Pool::launch() {
  job_.reset();
  job_ = std::make_unique<Job>(settings_, ticket_, lanes_);
  // New processes: their CPU counts from zero, all of it this pool's.
  worker_cpu_seen_.assign(lanes_, 0);
  rank0_cpu_seen_ = 0;
  mpirun_cpu_seen_ = 0;
  const ReadyMessage& ready = job_->ready();
  for (unsigned lane = 0; lane < lanes_ && lane < ready.worker_cpu_ns.size(); ++lane) {
    count_cpu(worker_cpu_seen_[lane], ready.worker_cpu_ns[lane]);
  }
  count_cpu(rank0_cpu_seen_, ready.cpu_ns);
}

PoolFigures Pool::start() {
  launch();
  return take_figures();
}

PoolFigures Pool::run(concur::Batch& batch) {
  batch_ = &batch;
  deaths_without_task_ = 0;
  ended_.assign(batch.size(), false);
  ended_count_ = 0;
  running_.clear();
  const std::size_t size = batch.size();
  bool sent = false;  // to the current job: the indexes left
  for (bool done = false; !done;) {
    // A lost job's last tasks may all have ended with it: then no new job is needed.
    if (!sent && size > 0 && ended_count_ == size) break;
    if (!job_) {
      launch();
      ++figures_.jobs_restarted;
    }
    try {
      if (!sent) {
        job_->send(left_to_run(ended_));
        sent = true;
      }
      std::optional<std::chrono::steady_clock::time_point> deadline;
      std::optional<unsigned> first_due;
      if (task_timeout_.count() > 0) {
        for (const auto& [lane, tasks] : running_) {
          const auto due =
              std::chrono::steady_clock::time_point(std::chrono::nanoseconds(tasks.front().started_ns) + task_timeout_);
          if (!deadline || due < *deadline) {
            deadline = due;
            first_due = lane;
          }
        }
      }
      std::optional<Message> m = job_->next(deadline);
      if (!m) {
        lose_job("", "", first_due);  // ending the job with it
        sent = false;
        continue;
      }
      if (const auto* started = std::get_if<StartedMessage>(&*m)) {
        if (started->lane >= lanes_ || started->index >= size) throw std::runtime_error("rank 0 started a task out of range");
        std::deque<Running>& tasks = running_[started->lane];
        // A task sent ahead starts when the one before it on its lane ends.
        tasks.push_back(Running{started->index, tasks.empty() ? steady_ns() : 0});
      } else if (const auto* result = std::get_if<ResultMessage>(&*m)) {
        if (result->lane >= lanes_ || result->index >= size) throw std::runtime_error("rank 0 sent a result out of range");
        count_cpu(worker_cpu_seen_[result->lane], result->cpu_ns);
        finish(result->lane, result->index);
        batch.record(result->record);  // a second record of one index is the batch's to count
        end_task(result->index);
      } else if (const auto* finished = std::get_if<DoneMessage>(&*m)) {
        count_cpu(rank0_cpu_seen_, finished->cpu_ns);
        if (ended_count_ < size) throw std::runtime_error("rank 0 finished the run with tasks left");
        done = true;
      } else {
        throw std::runtime_error("a message out of turn from rank 0 during a run");
      }
    } catch (const JobEnded& e) {
      lose_job(e.what(), e.stderr_text, std::nullopt);
      sent = false;
    }
  }
  batch_ = nullptr;
  return take_figures();
}

void Pool::lose_job(const std::string& why, const std::string& mpirun_stderr, std::optional<unsigned> overdue) {
  job_.reset();
  const std::optional<RankEnd> culprit = overdue ? std::nullopt : rank_that_ended_job(mpirun_stderr);
  bool blamed = false;
  for (const auto& [lane, tasks] : running_) {
    const Running& task = tasks.front();  // the one running; those sent after it run again
    std::string reason;
    if (overdue) {
      if (lane != *overdue) continue;
      reason = "exceeded the " + concur_plugins::format_duration(task_timeout_) + " task timeout; the MPI job was ended";
    } else if (culprit) {
      if (lane + 1 != static_cast<unsigned>(culprit->rank)) continue;
      reason = "mpi rank " + std::to_string(culprit->rank) + " died running this task: " + culprit->how;
    } else {
      // mpirun named no rank: every task in flight may be the cause, so none is run again.
      reason = "lost when the MPI job ended: " + why;
    }
    batch_->fail(task.index, lane, task.started_ns, reason);
    end_task(task.index);
    blamed = true;
  }
  // The tasks other ranks were running end unrecorded and run again in the new job.
  running_.clear();
  if (blamed) return;
  // A rank that died between tasks, or rank 0, took no task with it: the new
  // job runs the rest, but a job that keeps dying so is given up on.
  if (!culprit || ++deaths_without_task_ > max_deaths_without_task) {
    throw std::runtime_error("the MPI job ended" +
                             std::string(culprit ? ", again with no task running on the rank that died" : "") + ": " +
                             why);
  }
}

void Pool::end_task(std::uint64_t index) {
  if (!ended_[index]) {
    ended_[index] = true;
    ++ended_count_;
  }
}

void Pool::finish(unsigned lane, std::uint64_t index) {
  const auto found = running_.find(lane);
  if (found == running_.end()) return;
  std::deque<Running>& tasks = found->second;
  std::erase_if(tasks, [index](const Running& r) { return r.index == index; });
  if (tasks.empty()) {
    running_.erase(found);
  } else if (tasks.front().started_ns == 0) {
    tasks.front().started_ns = steady_ns();
  }
}

PoolFigures Pool::stop() {
  if (job_) {
    count_cpu(mpirun_cpu_seen_, job_->mpirun_cpu_ns());
    const std::unique_ptr<Job> job = std::move(job_);
    job->stop();
  }
  return take_figures();
}

void Pool::count_cpu(std::int64_t& seen, std::int64_t now) noexcept {
  if (now > seen) {
    cpu_ns_ += now - seen;
    seen = now;
  }
}

PoolFigures Pool::take_figures() {
  if (job_) count_cpu(mpirun_cpu_seen_, job_->mpirun_cpu_ns());
  PoolFigures figures = figures_;
  figures.external_cpu_seconds = static_cast<double>(cpu_ns_) / 1e9;
  figures_ = {};
  cpu_ns_ = 0;
  return figures;
}

}  // namespace concur_mpi
