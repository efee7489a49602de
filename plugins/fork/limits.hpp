// Size limits of the fork strategy's messages, shared by every process that reads or writes them.
#pragma once

#include <cstddef>

namespace concur_fork {

// A batch description names a workload, its parameters and a seed; a long
// explicit list of durations is the largest it gets.
inline constexpr std::size_t max_description_bytes = 64 * 1024 * 1024;
inline constexpr std::size_t max_request_bytes = max_description_bytes + 64;
// Server replies: an error message at most (workload errors are one line).
inline constexpr std::size_t max_reply_bytes = 64 * 1024;
inline constexpr std::size_t max_task_bytes = 64;
// A worker cuts longer digests and messages so that every result fits.
inline constexpr std::size_t max_outcome_text_bytes = 64 * 1024;
inline constexpr std::size_t max_result_bytes = 2 * max_outcome_text_bytes + 256;

}  // namespace concur_fork
