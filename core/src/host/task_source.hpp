// Rebuilt tasks: a batch description turned back into its workload's tasks, each sealing the record of its run.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "concur/host.hpp"
#include "workloads/shared_inputs.hpp"

namespace concur {

// The tasks `description` (Batch::description()) names, their inputs taken
// from `inputs` (mapped from concur's, or made again). Each task seals its
// record with its start and end on this process's steady clock plus
// `clock_offset_ns`. Throws (std::exception) saying why the description
// cannot be rebuilt.
std::unique_ptr<TaskSource> rebuild_tasks(std::string_view description, InputStore& inputs,
                                          std::int64_t clock_offset_ns = 0);

// Where `description` says concur's copy of the inputs lies; none when the
// workload has no inputs. Throws when the description is malformed.
std::optional<InputPlacement> input_placement(std::string_view description);

}  // namespace concur
