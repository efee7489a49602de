// Human-readable text of workload parameter values ("256 KiB", "100ms", "[0, 1, 2]").
#pragma once

#include <string>

#include "workloads/workload.hpp"

namespace concur {

// Formats by the parameter's kind; long lists are abbreviated ("[0, 1, ... 9999] (10000 items)").
std::string param_text(const ParamSpec& spec, const ParamValue& value);

// "jobs=12, size=256 KiB, ..." for every parameter of an entry, in the type's declared order.
std::string params_text(const WorkloadType& type, const Params& params);

}  // namespace concur
