// Size limits of the fork strategy's messages, shared by every process that reads or writes them.
#pragma once

#include <cstddef>

#include "concur/host.hpp"

namespace concur_fork {

// A batch description names a workload, its parameters, a seed and where its
// inputs lie; a long explicit list of durations is the largest it gets.
inline constexpr std::size_t max_description_bytes = 64 * 1024 * 1024;
inline constexpr std::size_t max_request_bytes = max_description_bytes + 64;
// Server replies: an error message at most (one line each).
inline constexpr std::size_t max_reply_bytes = 64 * 1024;
inline constexpr std::size_t max_go_bytes = 16;
// A worker's message: a sealed record and a few numbers, or why it failed (cut to fit).
inline constexpr std::size_t max_failure_text_bytes = 64 * 1024;
inline constexpr std::size_t max_worker_message_bytes = concur::max_record_bytes + 64;

}  // namespace concur_fork
