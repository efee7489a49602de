// The error messages of tasks the fork pool could not finish: a worker that died, a task that ran too long.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

namespace concur_fork {

// How a process ended, from its wait status: "killed by signal 6 (Aborted)",
// "exited with status 3".
std::string describe_wait_status(int status);

// "100ms", "2s", "1500us": a whole number in the largest unit that fits exactly.
std::string format_duration(std::chrono::nanoseconds d);

// "worker pid 1234 died running this task: killed by signal 6 (Aborted)"
std::string worker_died_message(pid_t pid, int status);

// "exceeded the 200ms task timeout; worker pid 1234 killed"
std::string timeout_message(std::chrono::nanoseconds timeout, pid_t pid);

}  // namespace concur_fork
