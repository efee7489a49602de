// HostServices: concur's implementation of the SDK's Host, and the batch descriptions it rebuilds tasks from.
#pragma once

#include <cstdint>
#include <string>

#include "concur/host.hpp"
#include "suite.hpp"

namespace concur {

// The one Host every plugin is created with. Stateless, so it is as valid in
// a forked child as in the concur process.
const Host& host_services();

// The text Batch::description() returns for an entry: the workload type, its
// parameters and the seed, so that Host::open() rebuilds identical inputs.
std::string describe_entry(const WorkloadEntry& entry, std::uint64_t seed);

}  // namespace concur
