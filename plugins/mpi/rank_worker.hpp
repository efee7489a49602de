// A worker rank: rebuilds the batch from its ticket, then runs the tasks rank 0 hands it, one at a time, with a blocking Io.
#pragma once

namespace concur_mpi {

// Returns the process's exit status.
int run_rank_worker(int rank);

}  // namespace concur_mpi
