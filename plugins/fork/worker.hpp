// The worker process: opens its batch, then claims and runs the batch's tasks, one at a time, sending back their sealed records.
#pragma once

#include <sys/types.h>

#include <string>

#include "concur/host.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

struct Lane {
  unsigned worker = 0;  // this worker's lane
  unsigned lanes = 0;   // of how many
};

// Runs in a process the fork server has just forked (single-threaded). Opens
// the batch `description` here (Host::open maps the inputs concur made) and
// makes its own blocking Io, so nothing of the concur process (a curl handle,
// a thread pool) is used across the fork; maps the claim board; then says
// READY, or FAILED and why. On each GO it claims tasks from the board until
// none is left, sends each task's RESULT, then IDLE. Exits when the pool
// closes the socket; never returns.
[[noreturn]] void run_worker(const concur::Host& host, const std::string& description, Lane lane, UniqueFd socket,
                             UniqueFd board, pid_t server) noexcept;

}  // namespace concur_fork
