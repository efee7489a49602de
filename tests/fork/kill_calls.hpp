// Counts this process's kill() calls: the fork pool must never signal a worker by pid from concur's process.
#pragma once

namespace concur_fork_test {

// kill() calls made by this process (the test executable interposes kill).
int kill_calls();

}  // namespace concur_fork_test
