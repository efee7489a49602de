// The fork server process: forks workers on request from a single-threaded process, and kills and reaps them.
#pragma once

#include <sys/types.h>

#include "concur/host.hpp"
#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// Runs in the child forked when the plugin is created. Answers SPAWN and REAP
// requests on `control`, one at a time, until the concur process closes it
// (or dies); never returns. It holds no batch: each worker opens its own.
[[noreturn]] void run_fork_server(const concur::Host& host, UniqueFd control, pid_t parent) noexcept;

}  // namespace concur_fork
