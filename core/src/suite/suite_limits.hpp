// Limits on a run's size, checked on a loaded suite and after overrides, before any input is made.
#pragma once

#include <cstdint>

#include "suite/suite.hpp"

namespace concur {

// Every entry's inputs are made before the first case and kept until the
// last, so together they must fit in memory with room for the run itself:
// half the physical memory.
std::uint64_t max_input_bytes();

// Each entry's own parameter check (WorkloadType::check), then at most
// max_batch_tasks tasks in its batch and max_input_bytes() of input for all
// entries together. Throws ConfigError naming the parameter where it was
// given (or the entry, for a default) and the limit.
void check_limits(const Suite& suite);

}  // namespace concur
