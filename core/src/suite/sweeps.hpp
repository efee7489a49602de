// Sweeps: an entry's `matrix:` and a `--set key=a,b` read into Sweeps, and a suite's entries expanded into one per parameter set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "suite/suite.hpp"
#include "suite/suite_params.hpp"

namespace concur {

// Parameter sets a suite may expand to: a matrix is a product, and a few
// lists of ten make thousands of cases before anyone notices.
inline constexpr std::size_t max_parameter_sets = 10'000;

// `matrix:` of one entry: a map of the workload's parameters, each to a
// non-empty list of values or, for an integer, a range "1..4". Throws ConfigError.
std::vector<Sweep> read_matrix(const suite_params::Value& matrix, const WorkloadType& type);

// The values of a `--set key=a,b` split at the commas outside brackets and
// quotes; one item when there is none ("[1, 2]" is one list).
std::vector<std::string> split_sweep(std::string_view text);

// One Sweep of `param` from the texts of a --set (each parsed as YAML, as
// --set values are) or a range "1..4". Throws ConfigError naming `origin`.
Sweep read_set_sweep(const suite_params::Origin& origin, const ParamSpec& spec, const std::string& text);

// suite.entries from suite.written: each sweep's product, first sweep
// outermost, named (WorkloadEntry::name, swept). Throws ConfigError past
// max_parameter_sets, or for two parameter sets of one name.
void expand_entries(Suite& suite);

}  // namespace concur
