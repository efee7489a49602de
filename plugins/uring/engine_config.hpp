// EngineConfig: what the uring engine is made with, read from a run's options.
#pragma once

#include <cstddef>
#include <span>

#include "concur/strategy.hpp"
#include "ring.hpp"
#include "ring_shape.hpp"

namespace concur_uring {

struct EngineConfig {
  unsigned lanes = 1;                            // tasks in flight at most: sizes the CQ
  unsigned offload_threads = 1;                  // helper threads for Compute
  unsigned ring_entries = default_ring_entries;  // SQ size
  Ring::SubmitFunction submit = &io_uring_submit_and_wait;  // tests inject refusals
};

// The strategy options the engine reads: offload_threads and ring_entries.
std::span<const concur::Option> engine_options() noexcept;

// The engine for batches of `batch_size` tasks run at `options`: lanes =
// min(workers, batch_size), and the engine_options(). Throws
// std::invalid_argument saying what is wrong with them.
EngineConfig engine_config(const concur::RunOptions& options, std::size_t batch_size);

}  // namespace concur_uring
