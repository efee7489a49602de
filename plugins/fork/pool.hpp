// Pool: the concur side of the fork strategy: worker processes from the fork server, kept from start() to stop(), claiming a batch's tasks from a shared board.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "claim_board.hpp"
#include "concur/batch.hpp"
#include "fork_server.hpp"
#include "wire.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// What one start, run or stop of the pool did besides the tasks themselves.
struct PoolFigures {
  unsigned replaced = 0;            // workers forked to replace one that died or was killed
  double external_cpu_seconds = 0;  // CPU the workers and the fork server spent meanwhile
};

// At most `lanes` worker processes, each with the batch open and its own Io,
// each running one task at a time. A run puts the batch on the claim board
// and tells every worker to go; each takes the next index itself, so the pool
// is no hand-off between tasks, only the receiver of their records. A task
// whose worker dies, or that runs past the timeout, becomes an error outcome
// and its worker is replaced; every other task still runs. Workers are killed
// and reaped only by the fork server, their parent, so a pid the pool sends
// never names another process.
class Pool {
 public:
  // A pool for batches described by `description` (Batch::description()).
  Pool(ForkServer& server, std::string description, unsigned lanes, std::chrono::nanoseconds task_timeout);
  // Kills and reaps whatever workers are left (a run cut short by an
  // exception, a pool never stopped).
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Forks every worker and waits until each has opened the batch (its inputs
  // mapped) and made its Io. Throws when one cannot start.
  PoolFigures start();
  // Runs every task of `batch` and records each through Batch::record or
  // Batch::fail. Throws when the pool itself fails (the server is lost, a
  // worker cannot be forked or says it cannot go on).
  PoolFigures run(concur::Batch& batch);
  // Ends every worker: closes its socket and has the server kill and reap it.
  PoolFigures stop();

 private:
  enum class State { starting, idle, working };
  struct Worker {
    pid_t pid = 0;
    UniqueFd socket;
    State state = State::starting;
    std::int64_t cpu_seen_ns = 0;  // its CPU time in its latest message
  };
  enum class Failure { died, timed_out };

  void spawn(unsigned lane);
  // Tells an idle worker to claim tasks. False when it turned out to be gone.
  bool go(unsigned lane);
  // Polls the starting and working workers once (until the next task
  // deadline at most) and handles what they said; then ends overdue tasks.
  void wait_and_handle();
  void handle(unsigned lane);
  // Records a worker's result for this run's batch.
  void take(Worker& worker, const ResultMessage& result);
  // Takes the results already waiting in a worker's socket, without blocking.
  void take_waiting_results(unsigned lane);
  // The worker is gone or overdue: it is killed and reaped, the task it was
  // running recorded as an error saying why, and a replacement forked.
  void lose(unsigned lane, Failure failure);
  // Tasks claimed by workers that died before naming them: errors, once
  // every worker has stopped claiming.
  void fail_lost_claims();
  // Takes the worker out of its lane and has the server kill (if asked) and
  // reap it; returns its wait status.
  int retire(unsigned lane, bool kill);
  void count_cpu(Worker& worker, std::int64_t cpu_ns) noexcept;
  PoolFigures take_figures();
  std::optional<std::chrono::nanoseconds> until_next_deadline() const;
  bool any(State state) const;

  ForkServer& server_;
  const std::string description_;
  const std::chrono::nanoseconds task_timeout_;
  ClaimBoard board_;
  std::vector<std::optional<Worker>> lanes_;  // lane number = worker number in task records
  concur::Batch* batch_ = nullptr;            // during run()
  std::vector<bool> recorded_;                // per index, this run: recorded or failed
  std::size_t finished_ = 0;                  // indexes recorded in this run
  std::vector<pid_t> lost_claims_;            // workers that died holding an unnamed claim, this run
  unsigned lost_idle_ = 0;                    // workers found gone when told to go, this run
  std::int64_t worker_cpu_ns_ = 0;            // workers' CPU counted since the last figures
  PoolFigures figures_;
};

}  // namespace concur_fork
