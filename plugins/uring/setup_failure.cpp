// setup_failure: the errno of a refused io_uring_setup and what in the system most likely caused it.
#include "setup_failure.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace concur_uring {
namespace {

// The first line of a /proc file, or "" when it cannot be read.
std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The value of a "Key:\tvalue" line of /proc/self/status, or "".
std::string status_field(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) {
      const std::size_t value = line.find_first_not_of(" \t", key.size() + 1);
      return value == std::string::npos ? "" : line.substr(value);
    }
  }
  return {};
}

}  // namespace

std::string setup_failure(int error, const RingShape& shape) {
  std::string why = "io_uring_setup failed for a ring of " + std::to_string(shape.sq_entries) + " SQ and " +
                    std::to_string(shape.cq_entries) + " CQ entries: " + std::strerror(error);
  const std::string disabled = first_line("/proc/sys/kernel/io_uring_disabled");
  if (disabled == "2") {
    why += " (io_uring is disabled for every process: sysctl kernel.io_uring_disabled = 2)";
  } else if (disabled == "1" && error == EPERM) {
    why += " (io_uring is restricted to members of kernel.io_uring_group: sysctl kernel.io_uring_disabled = 1)";
  } else if (error == EPERM && status_field("Seccomp") == "2") {
    why += " (likely a seccomp filter, such as a container runtime's default profile, blocking io_uring_setup)";
  } else if (error == EPERM) {
    why += " (refused by a security policy: seccomp, an LSM, or the container runtime)";
  } else if (error == ENOSYS) {
    why += " (the kernel has no io_uring: built without CONFIG_IO_URING or older than 5.1, or a seccomp filter "
           "answers ENOSYS)";
  } else if (error == ENOMEM) {
    why += " (could not allocate the rings: on kernels before 5.12 raise the locked-memory limit, ulimit -l)";
  }
  return why;
}

}  // namespace concur_uring
