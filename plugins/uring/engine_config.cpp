// EngineConfig: the worker count and the uring strategy options, checked and turned into engine parameters.
#include "engine_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace concur_uring {
namespace {

unsigned online_cores() noexcept {
  const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 ? static_cast<unsigned>(cores) : 1;
}

const concur::Option declared[] = {
    // As many as a suite's workers may be: more is a typo.
    concur::Option::integer("offload_threads", online_cores(), 1, 100'000,
                            "helper threads that run CPU work, one per online core by default"),
    // The kernel's maximum (IORING_MAX_ENTRIES); a tiny SQ exercises the SQ-full path in tests.
    concur::Option::integer("ring_entries", default_ring_entries, 1, 32'768, "submission queue entries of the ring"),
};
const concur::Option& offload_threads = declared[0];
const concur::Option& ring_entries = declared[1];

}  // namespace

std::span<const concur::Option> engine_options() noexcept { return declared; }

EngineConfig engine_config(const concur::RunOptions& options, std::size_t batch_size) {
  if (options.workers == 0) throw std::invalid_argument("workers must be at least 1");
  EngineConfig config;
  config.lanes = static_cast<unsigned>(std::min<std::size_t>(options.workers, batch_size));
  config.offload_threads = static_cast<unsigned>(offload_threads.read_integer(options.options));
  config.ring_entries = static_cast<unsigned>(ring_entries.read_integer(options.options));
  return config;
}

}  // namespace concur_uring
