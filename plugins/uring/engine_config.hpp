// EngineConfig: what the uring engine is made with, read from a run's options.
#pragma once

#include <cstddef>

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

// The engine for batches of `batch_size` tasks run at `options`: lanes =
// min(workers, batch_size); the strategy options offload_threads (default:
// online cores) and ring_entries (default 4096; undocumented in suites, for
// tests: a tiny SQ exercises the SQ-full path). Throws std::invalid_argument
// saying what is wrong with them.
EngineConfig engine_config(const concur::RunOptions& options, std::size_t batch_size);

}  // namespace concur_uring
