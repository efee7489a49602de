// concur-mpi-rank: the program mpirun starts for the mpi strategy; rank 0 dispatches, the other ranks run tasks.
#include <malloc.h>
#include <mpi.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>

#include "dispatcher.hpp"
#include "rank_worker.hpp"

#if defined(__SANITIZE_ADDRESS__)
// Open MPI leaves what MPI_Init, MPI_Finalize and its own event thread
// (libevent's loop, for PMIx and the runtime) allocate, a few KiB, some in
// components it has already unloaded, for the OS to free at exit, and
// LeakSanitizer would fail every rank for it. Those leaks are suppressed by
// the functions on their stacks, which needs the slow unwinder: the fast one
// stops at the first frame of a library built without frame pointers.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:ompi_mpi_init\nleak:ompi_mpi_finalize\nleak:event_base_loop\n";
}
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
#endif

int main(int argc, char** argv) {
  // A rank outlives neither mpirun (or the daemon that started it) nor its
  // job: concur kills mpirun's process group, not the ranks', which Open MPI
  // puts in groups of their own.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() == 1) return 3;
  // Backoff sleeps of tens of microseconds, not the default 50 us of slack on top.
  ::prctl(PR_SET_TIMERSLACK, 1UL);
  // The availability trial: MPI starts and ends, nothing else.
  const bool probe = argc == 2 && std::strcmp(argv[1], "--probe") == 0;
  MPI_Init(&argc, &argv);
  // Measured: in a rank, the large buffers tasks free were not reused (glibc
  // did not raise its malloc thresholds as it does after such frees), so each
  // rc4 output of 8 MiB was a fresh mapping faulted in page by page, 65,000
  // faults a second, and rc4 ran 45% slower than in a fork worker, whose
  // malloc state comes from concur. These are the thresholds glibc's own
  // adjustment reaches for such buffers.
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
  int rank = 0;
  int size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int status = 0;
  if (!probe) {
    try {
      status = rank == 0 ? concur_mpi::run_dispatcher(size - 1) : concur_mpi::run_rank_worker(rank);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "concur-mpi-rank: rank %d: %s\n", rank, e.what());
      MPI_Abort(MPI_COMM_WORLD, 4);
    }
  }
  MPI_Finalize();
  return status;
}
