// The worker process: runs the tasks the pool sends it, one at a time, and sends back their records.
#pragma once

#include <sys/types.h>

#include "concur/host.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// Runs in a process the fork server has just forked (single-threaded). Makes
// its own blocking Io here, after the fork, so nothing of the concur process
// (a curl handle, a thread pool) is used across the fork. Reads TASK messages
// until the pool closes the socket, then exits; never returns.
[[noreturn]] void run_worker(concur::TaskSource& source, unsigned worker, UniqueFd socket, pid_t server) noexcept;

}  // namespace concur_fork
