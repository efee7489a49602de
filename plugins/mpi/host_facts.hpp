// Host facts: which clock this process shares, its clocks and its name, for ranks and the plugin alike.
#pragma once

#include <cstdint>
#include <string>

namespace concur_mpi {

// The kernel's id of this boot: processes that see the same one share
// CLOCK_MONOTONIC (the steady clock), whatever the host's name says.
std::string boot_id();
std::string host_name();
std::int64_t steady_ns() noexcept;
std::int64_t process_cpu_ns() noexcept;

}  // namespace concur_mpi
