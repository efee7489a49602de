// The dispatcher: rank 0 of the job, between the plugin (its stdin and stdout, through mpirun) and the worker ranks.
#pragma once

namespace concur_mpi {

// Takes the batch's ticket from the plugin and passes it to the workers,
// reports them ready, then hands out each run's indexes, one at a time, to
// whichever worker is free, passing their results back, until told to stop.
// Returns the process's exit status.
int run_dispatcher(int workers);

}  // namespace concur_mpi
