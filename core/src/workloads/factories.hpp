// Constructors of the built-in workloads, registered in registry.cpp, and what their batches hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "workloads/workload.hpp"

namespace concur {

std::unique_ptr<Workload> make_rc4_workload(const Params& params, std::uint64_t seed, InputStore& inputs);
std::unique_ptr<Workload> make_sha256_workload(const Params& params, std::uint64_t seed, InputStore& inputs);
std::unique_ptr<Workload> make_loiter_workload(const Params& params, std::uint64_t seed, InputStore& inputs);
std::unique_ptr<Workload> make_fault_workload(const Params& params, std::uint64_t seed, InputStore& inputs);
std::unique_ptr<Workload> make_downloads_workload(const Params& params, std::uint64_t seed, InputStore& inputs);

// The input size of each rc4 job, largest first.
std::vector<std::size_t> rc4_job_sizes(const Params& params);

}  // namespace concur
