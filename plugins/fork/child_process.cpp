// die_with_parent: PR_SET_PDEATHSIG, and the race it leaves open.
#include "child_process.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

namespace concur_fork {

void die_with_parent(pid_t parent) noexcept {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ::_exit(127);
  // The parent may have died between fork() and prctl(): then no signal
  // comes, and this process has already been re-parented.
  if (::getppid() != parent) ::_exit(127);
}

}  // namespace concur_fork
