// Counting the threads of this process through /proc/self/task.
#include "process_threads.hpp"

#include <dirent.h>

#include <cerrno>
#include <memory>
#include <system_error>

namespace concur_fork {
namespace {

struct DirCloser {
  void operator()(DIR* dir) const noexcept { ::closedir(dir); }
};

}  // namespace

std::size_t count_threads() {
  const std::unique_ptr<DIR, DirCloser> dir(::opendir("/proc/self/task"));
  if (!dir) throw std::system_error(errno, std::generic_category(), "cannot read /proc/self/task");
  std::size_t threads = 0;
  errno = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    if (entry->d_name[0] != '.') ++threads;  // skip "." and ".."
  }
  if (errno != 0) throw std::system_error(errno, std::generic_category(), "cannot read /proc/self/task");
  return threads;
}

}  // namespace concur_fork
