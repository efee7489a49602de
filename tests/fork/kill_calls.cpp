// An interposed kill(): the executable exports it, so the fork plugin, loaded later, binds to it.
#include "kill_calls.hpp"

#include <dlfcn.h>
#include <signal.h>

#include <atomic>

namespace concur_fork_test {
namespace {
// A library forces this one global: kill() has nowhere else to count.
std::atomic<int> calls{0};
}  // namespace

int kill_calls() { return calls.load(); }

}  // namespace concur_fork_test

extern "C" int kill(pid_t pid, int signal) noexcept {
  concur_fork_test::calls.fetch_add(1);
  using Kill = int (*)(pid_t, int);
  static const auto real = reinterpret_cast<Kill>(::dlsym(RTLD_NEXT, "kill"));
  return real(pid, signal);
}
