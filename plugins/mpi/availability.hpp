// Availability: whether this machine can start the mpi strategy's jobs, found by starting one.
#pragma once

#include <string>

namespace concur_mpi {

// A regular file this process may execute.
bool is_executable_file(const std::string& path);

// The first `name` on PATH that is an executable file; empty when none is.
std::string find_on_path(const std::string& name);

// Empty when `mpirun` starts `rank_program --probe` on one rank and it ends
// well within 60 s; otherwise why not, naming what to install or fix.
std::string trial_launch(const std::string& mpirun, const std::string& rank_program);

}  // namespace concur_mpi
