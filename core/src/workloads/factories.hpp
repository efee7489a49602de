// Constructors of the built-in workloads, registered in registry.cpp.
#pragma once

#include <cstdint>
#include <memory>

#include "workloads/workload.hpp"

namespace concur {

std::unique_ptr<Workload> make_rc4_workload(const Params& params, std::uint64_t seed, InputStore& inputs);
std::unique_ptr<Workload> make_sha256_workload(const Params& params, std::uint64_t seed, InputStore& inputs);
std::unique_ptr<Workload> make_loiter_workload(const Params& params, std::uint64_t seed, InputStore& inputs);
std::unique_ptr<Workload> make_fault_workload(const Params& params, std::uint64_t seed, InputStore& inputs);
std::unique_ptr<Workload> make_downloads_workload(const Params& params, std::uint64_t seed, InputStore& inputs);

}  // namespace concur
