// Remote tasks: a batch rebuilt in a worker that concur did not fork (an MPI rank, a process on another host).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "concur/host.hpp"

namespace concur {

// Rebuilds the tasks that `ticket` (Batch::remote_ticket()) names, in a
// process of the same concur build on any host. On concur's host the inputs
// are mapped from concur's copy (opened through /proc, when this process may);
// elsewhere they are made again from the batch's seed.
// Each task seals its record, as TaskSource says, with its start and end on
// this host's CLOCK_MONOTONIC plus `clock_offset_ns`: 0 on concur's own host,
// elsewhere the offset that puts them on concur's clock. Call it in one
// process for one ticket key only. On failure returns null and sets `error`.
//
// Not header-only: a worker program that calls it links concur::workloads.
std::unique_ptr<TaskSource> open_remote(std::string_view ticket, std::int64_t clock_offset_ns,
                                        std::string& error) noexcept;

}  // namespace concur
