// Pool: the concur side of one fork run: worker processes from the fork server, tasks handed out over their sockets, results recorded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "concur/batch.hpp"
#include "concur/host.hpp"
#include "fork_server.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// What a run measured besides the tasks themselves.
struct PoolFigures {
  double startup_seconds = 0;     // from the start of the run until every first worker was spawned
  unsigned spawned = 0;           // workers forked, replacements included
  unsigned replaced = 0;          // workers forked to replace one that died or was killed
  double worker_cpu_seconds = 0;  // user + system CPU of every worker, from wait4
};

// One run of a batch: at most `workers` processes, each running one task at a
// time. A task whose worker dies, or that runs past the timeout, becomes an
// error outcome and its worker is replaced; every other task still runs.
class Pool {
 public:
  Pool(ForkServer& server, concur::Batch& batch, std::chrono::nanoseconds task_timeout);
  // A run cut short by an exception leaves workers behind: each is killed and
  // reaped here, so none is left running or as a zombie.
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs every task of the batch and records it through Batch::record. Throws
  // when the pool itself fails (the server is lost, a worker cannot be
  // forked, a worker breaks the protocol before its first task).
  PoolFigures run(unsigned workers);

 private:
  struct Worker {
    pid_t pid = 0;
    UniqueFd socket;
    std::optional<std::size_t> task;  // the index it is running
    std::int64_t dispatched_ns = 0;   // steady clock, when the task was sent
    bool ran_a_task = false;
  };

  enum class Failure { died, timed_out, malformed };

  void spawn(unsigned lane);
  // Sends the next index to an idle worker. False when the worker turned out to be gone.
  bool dispatch(unsigned lane, std::size_t index);
  // The worker's socket is readable or closed: a result, or the worker's death.
  void collect(unsigned lane);
  // The lane's task failed with its worker: the worker is killed and reaped,
  // the task recorded as an error saying why, and a replacement forked when
  // tasks remain.
  void fail_task(unsigned lane, Failure failure, const std::string& detail = {});
  // Takes the worker out of its lane, closes its socket, kills it if asked and
  // reaps it; returns its wait status.
  int retire(unsigned lane, bool kill);
  void replace(unsigned lane);
  // How long poll() may sleep before the next task deadline; null means no deadline.
  std::optional<std::chrono::nanoseconds> until_next_deadline() const;

  ForkServer& server_;
  concur::Batch& batch_;
  const std::chrono::nanoseconds task_timeout_;
  std::string description_;
  std::vector<std::optional<Worker>> lanes_;  // lane number = worker number in task records
  std::size_t next_ = 0;                      // the next index to hand out
  std::size_t finished_ = 0;                  // indexes recorded
  unsigned lost_before_first_task_ = 0;       // workers found gone when handed their first task
  PoolFigures figures_;
};

}  // namespace concur_fork
