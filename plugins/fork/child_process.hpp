// What every process the fork strategy forks does first: tie its life to its parent's.
#pragma once

#include <sys/types.h>

namespace concur_fork {

// Asks the kernel for SIGKILL when the parent goes, so that neither a fork
// server nor a worker outlives concur (or a killed server). `parent` is the
// pid before fork(); if it already died, exits at once. Note the kernel sends
// the signal when the forking *thread* ends: forks are made from the thread
// that lives as long as the parent (concur's main thread; the server's only one).
void die_with_parent(pid_t parent) noexcept;

}  // namespace concur_fork
