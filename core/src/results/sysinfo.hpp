// System facts recorded with every result: kernel, cores, io_uring support, concur's build and commit.
#pragma once

#include <string>

namespace concur {

struct SystemInfo {
  std::string host_name;
  std::string kernel;          // "Linux 6.1.0-18-amd64 x86_64"
  unsigned online_cores = 0;
  std::string io_uring;        // "available" or "unavailable: <why>"
  std::string git_commit;      // of the source tree concur was built from, "unknown" if not a checkout
  std::string build_type;      // concur's own CMAKE_BUILD_TYPE
};

SystemInfo collect_system_info();

// Probes io_uring with a raw io_uring_setup: "available", or why not (EPERM
// from kernel.io_uring_disabled or seccomp, ENOSYS from an old kernel).
std::string probe_io_uring();

}  // namespace concur
