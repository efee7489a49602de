// What mpirun says when a job ends early: which rank ended it, and how.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace concur_mpi {

struct RankEnd {
  int rank = 0;
  std::string how;  // "exited on signal 6 (Aborted)", "exited with status 3"
};

// The rank whose end made mpirun abort the job, from mpirun's stderr (Open
// MPI 4's "mpirun noticed that process rank N ... exited on signal S (Name)"
// and "Process name: [[J,N],R] Exit code: C"); nullopt when it names none.
std::optional<RankEnd> rank_that_ended_job(std::string_view mpirun_stderr);

// The lines of mpirun's stderr worth quoting in one line: the first that is
// not a rule of dashes or blank, and so on, joined by spaces, cut at `max`.
std::string mpirun_summary(std::string_view mpirun_stderr, std::size_t max = 400);

}  // namespace concur_mpi
