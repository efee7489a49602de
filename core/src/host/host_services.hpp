// HostServices: concur's implementation of the SDK's Host, and the workload entries it describes and rebuilds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "concur/host.hpp"
#include "host/sealed_record.hpp"
#include "suite/suite.hpp"

namespace concur {

// The Host every plugin is created with; `will_run` false for `concur list`.
// Its first use creates what processes forked from concur later need (the
// shared inputs file, the record key), so call it before loading plugins.
const Host& host_services(bool will_run = true);

// A workload entry made ready for its cases: the workload with its inputs
// generated into the shared inputs file, and the description of its batches
// (workload, parameters, seed and where the inputs lie), from which
// Host::open() maps the same inputs in a forked process.
struct BuiltEntry {
  std::unique_ptr<Workload> workload;
  std::string description;
  BatchId id;  // of the description: what sealed records are checked against
};
BuiltEntry build_entry(const WorkloadEntry& entry, std::uint64_t seed);

}  // namespace concur
