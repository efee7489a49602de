// Pool: the concur side of the mpi strategy: an MPI job kept from start() to stop(), each run's tasks handed out by its rank 0, a job lost mid-run replaced.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "concur/batch.hpp"
#include "job.hpp"

namespace concur_mpi {

// What one start, run or stop did besides the tasks themselves.
struct PoolFigures {
  unsigned jobs_restarted = 0;      // jobs started again after one ended mid-run
  double external_cpu_seconds = 0;  // CPU the ranks and mpirun spent meanwhile, as they reported it
};

// A job of `lanes` worker ranks for batches like the one whose ticket it
// holds. A run sends rank 0 the indexes left to run; a rank that dies ends
// the whole job (Open MPI 4 aborts it): the task it was running becomes an
// error outcome saying so, the other tasks handed out go back to be run, and
// a new job runs what is left. A task past the timeout ends the job the same
// way. A job lost to a rank running no task (rank 0, an idle worker) is
// replaced too, a few times a run at most.
class Pool {
 public:
  Pool(JobSettings settings, std::string ticket, unsigned lanes, std::chrono::nanoseconds task_timeout);

  PoolFigures start();
  PoolFigures run(concur::Batch& batch);
  PoolFigures stop();

 private:
  struct Running {
    std::uint64_t index = 0;
    // concur's steady clock: when rank 0 said it handed the task out, or when
    // the task before it on its lane ended; 0 while it waits behind another.
    std::int64_t started_ns = 0;
  };

  void launch();
  // Task `index` of this run is recorded or failed.
  void end_task(std::uint64_t index);
  // A result for `index` came from `lane`: the next task there starts now.
  void finish(unsigned lane, std::uint64_t index);
  // The job ended mid-run (or was ended for a task past the timeout, `overdue`
  // lane): the task to blame fails, the others in flight are run again by the
  // next job. Throws when the run cannot go on.
  void lose_job(const std::string& why, const std::string& mpirun_stderr, std::optional<unsigned> overdue);
  void count_cpu(std::int64_t& seen, std::int64_t now) noexcept;
  PoolFigures take_figures();

  const JobSettings settings_;
  const std::string ticket_;
  const unsigned lanes_;
  const std::chrono::nanoseconds task_timeout_;
  std::unique_ptr<Job> job_;
  // This job's CPU figures as last reported: per worker lane, rank 0, mpirun.
  std::vector<std::int64_t> worker_cpu_seen_;
  std::int64_t rank0_cpu_seen_ = 0;
  std::int64_t mpirun_cpu_seen_ = 0;
  std::int64_t cpu_ns_ = 0;  // counted since the last figures

  concur::Batch* batch_ = nullptr;  // during run()
  std::vector<bool> ended_;          // per index, this run: recorded or failed
  std::size_t ended_count_ = 0;      // of ended_, true
  // By lane: the tasks rank 0 handed it and it has not finished, the running one first.
  std::map<unsigned, std::deque<Running>> running_;
  unsigned deaths_without_task_ = 0;     // this run
  PoolFigures figures_;
};

}  // namespace concur_mpi
