// Limits of the mpi strategy's messages and waits.
#pragma once

#include <chrono>
#include <cstddef>

namespace concur_mpi {

// A batch's ticket holds its description, whose lists may be long; a result
// holds a record of at most concur::max_record_bytes. Anything longer on
// mpirun's stdout is not the rank program speaking.
inline constexpr std::size_t max_message_bytes = std::size_t{64} << 20;

// How long a job may take to start (mpirun, every rank's MPI_Init, the batch
// rebuilt in each) and to end once told to stop (16 ranks of a sanitizer
// build, checking for leaks at exit on 2 cores, took over 10 s).
inline constexpr std::chrono::seconds start_limit{120};
inline constexpr std::chrono::seconds stop_limit{60};
// After SIGTERM, mpirun ends its ranks and exits; past this it is killed.
inline constexpr std::chrono::seconds terminate_grace{3};

}  // namespace concur_mpi
