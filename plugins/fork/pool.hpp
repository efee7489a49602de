// Pool: the concur side of the fork strategy: worker processes from the fork server, kept from start() to stop(), tasks handed out over their sockets.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "concur/batch.hpp"
#include "fork_server.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// What one start, run or stop of the pool did besides the tasks themselves.
struct PoolFigures {
  unsigned replaced = 0;            // workers forked to replace one that died or was killed
  double external_cpu_seconds = 0;  // CPU the workers and the fork server spent meanwhile
};

// At most `lanes` worker processes, each with the batch open and its own Io,
// each running one task at a time. A task whose worker dies, or that runs
// past the timeout, becomes an error outcome and its worker is replaced;
// every other task still runs. Workers are killed and reaped only by the fork
// server, their parent, so a pid the pool sends never names another process.
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
  enum class State { starting, idle, busy };
  struct Worker {
    pid_t pid = 0;
    UniqueFd socket;
    State state = State::starting;
    std::size_t task = 0;             // the index it runs, when busy
    std::int64_t dispatched_ns = 0;   // steady clock, when the task was sent
    std::int64_t cpu_seen_ns = 0;     // its CPU time in its latest message
  };
  enum class Failure { died, timed_out, malformed };

  void spawn(unsigned lane);
  // Polls the starting and busy workers once (until the next task deadline
  // at most) and handles what they said; then fails overdue tasks.
  void wait_and_handle();
  void handle(unsigned lane);
  // Sends `index` to an idle worker. False when the worker turned out to be gone.
  bool dispatch(unsigned lane, std::size_t index);
  // The lane's task failed with its worker: the worker is killed and reaped,
  // the task recorded as an error saying why, and a replacement forked.
  void fail_task(unsigned lane, Failure failure, const std::string& detail = {});
  // Takes the worker out of its lane and has the server kill (if asked) and
  // reap it; returns its wait status.
  int retire(unsigned lane, bool kill);
  void count_cpu(Worker& worker, std::int64_t cpu_ns) noexcept;
  PoolFigures take_figures();
  std::optional<std::chrono::nanoseconds> until_next_deadline() const;

  ForkServer& server_;
  const std::string description_;
  const std::chrono::nanoseconds task_timeout_;
  std::vector<std::optional<Worker>> lanes_;  // lane number = worker number in task records
  concur::Batch* batch_ = nullptr;            // during run()
  std::size_t finished_ = 0;                  // indexes recorded in this run
  unsigned lost_idle_ = 0;                    // workers found gone when handed a task, this run
  std::int64_t worker_cpu_ns_ = 0;            // workers' CPU counted since the last figures
  PoolFigures figures_;
};

}  // namespace concur_fork
