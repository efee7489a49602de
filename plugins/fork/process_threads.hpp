// Counting the threads of this process, to know whether fork() is safe here.
#pragma once

#include <cstddef>

namespace concur_fork {

// The number of entries in /proc/self/task (one per thread). Throws
// std::system_error when the folder cannot be read.
std::size_t count_threads();

}  // namespace concur_fork
