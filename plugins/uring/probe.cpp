// The availability probe: ring setup, opcode probe, and an explanation of every way io_uring can be refused.
#include "probe.hpp"

#include <liburing.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

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

// Why io_uring_setup failed with `error`, as far as the system tells.
std::string setup_failure(int error) {
  std::string why = std::string("io_uring_setup failed: ") + std::strerror(error);
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

struct ProbeDeleter {
  void operator()(io_uring_probe* probe) const noexcept { io_uring_free_probe(probe); }
};

concur::Availability unavailable(std::string reason) { return {false, std::move(reason)}; }

concur::Availability probe() {
  if (const char* forced = std::getenv("CONCUR_URING_FORCE_UNAVAILABLE"); forced != nullptr && *forced != '\0') {
    return unavailable(std::string("forced by CONCUR_URING_FORCE_UNAVAILABLE: ") + forced);
  }
  io_uring ring{};
  if (const int r = io_uring_queue_init(8, &ring, 0); r < 0) return unavailable(setup_failure(-r));
  const std::unique_ptr<io_uring_probe, ProbeDeleter> ops(io_uring_get_probe_ring(&ring));
  io_uring_queue_exit(&ring);
  if (!ops) return unavailable("io_uring works but cannot be probed (IORING_REGISTER_PROBE needs Linux 5.6 or later)");

  struct Needed {
    int opcode;
    const char* name;
  };
  static constexpr Needed needed[] = {
      {IORING_OP_TIMEOUT, "IORING_OP_TIMEOUT (sleeps)"},
      {IORING_OP_POLL_ADD, "IORING_OP_POLL_ADD (the offload eventfd)"},
      {IORING_OP_ASYNC_CANCEL, "IORING_OP_ASYNC_CANCEL (teardown)"},
  };
  std::string missing;
  for (const Needed& n : needed) {
    if (!io_uring_opcode_supported(ops.get(), n.opcode)) missing += (missing.empty() ? "" : ", ") + std::string(n.name);
  }
  if (!missing.empty()) return unavailable("the kernel's io_uring lacks " + missing);
  return {};
}

}  // namespace

concur::Availability probe_io_uring() noexcept {
  concur::Availability failed{false, {}};
  try {
    return probe();
  } catch (const std::exception& e) {
    try {
      failed.reason = std::string("io_uring probe failed: ") + e.what();
    } catch (...) {  // out of memory: unavailable, without a reason
    }
  } catch (...) {
  }
  return failed;
}

}  // namespace concur_uring
