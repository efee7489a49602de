// The error messages of tasks the fork pool could not finish: a worker that died, a task that ran too long.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "common/ending_text.hpp"

namespace concur_fork {

using concur_plugins::describe_wait_status;
using concur_plugins::format_duration;

// "worker pid 1234 died running this task: killed by signal 6 (Aborted)"
std::string worker_died_message(pid_t pid, int status);

// "exceeded the 200ms task timeout; worker pid 1234 killed"
std::string timeout_message(std::chrono::nanoseconds timeout, pid_t pid);

}  // namespace concur_fork
