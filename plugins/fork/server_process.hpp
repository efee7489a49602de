// The fork server process: builds batches' inputs and forks workers on request, from a single-threaded process.
#pragma once

#include <sys/types.h>

#include "concur/host.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// Runs in the child forked when the plugin is created. Answers PREPARE, SPAWN
// and REAP requests on `control`, one at a time, until the concur process
// closes it (or dies); never returns.
[[noreturn]] void run_fork_server(const concur::Host& host, UniqueFd control, pid_t parent) noexcept;

}  // namespace concur_fork
