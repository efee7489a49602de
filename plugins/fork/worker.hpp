// The worker process: opens its batch, then runs the tasks the pool sends it, one at a time, and sends back their sealed records.
#pragma once

#include <sys/types.h>

#include <string>

#include "concur/host.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// Runs in a process the fork server has just forked (single-threaded). Opens
// the batch `description` here (Host::open maps the inputs concur made) and
// makes its own blocking Io, so nothing of the concur process (a curl handle,
// a thread pool) is used across the fork; then says READY, or FAILED and
// why. Reads TASK messages until the pool closes the socket, then exits;
// never returns.
[[noreturn]] void run_worker(const concur::Host& host, const std::string& description, unsigned worker, UniqueFd socket,
                             pid_t server) noexcept;

}  // namespace concur_fork
