#include "results/sysinfo.hpp"

#include <linux/io_uring.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#ifndef CONCUR_BUILD_TYPE
#define CONCUR_BUILD_TYPE "unknown"
#endif
#ifndef CONCUR_SOURCE_DIR
#define CONCUR_SOURCE_DIR ""
#endif

namespace concur {
namespace {

std::string command_output(const std::string& command) {
  struct PipeCloser {
    void operator()(FILE* f) const noexcept { pclose(f); }
  };
  std::unique_ptr<FILE, PipeCloser> pipe(popen(command.c_str(), "r"));
  if (!pipe) return "";
  std::string text;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe.get())) text += buf.data();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::string source_commit() {
  const std::string dir = CONCUR_SOURCE_DIR;
  if (dir.empty() || access((dir + "/.git").c_str(), F_OK) != 0) return "unknown";
  std::string commit = command_output("git -C '" + dir + "' rev-parse --short=12 HEAD 2>/dev/null");
  if (commit.empty()) return "unknown";
  if (!command_output("git -C '" + dir + "' status --porcelain --untracked-files=no 2>/dev/null").empty()) {
    commit += "-dirty";
  }
  return commit;
}

}  // namespace

std::string probe_io_uring() {
  io_uring_params params{};
  long fd = syscall(__NR_io_uring_setup, 1, &params);
  if (fd >= 0) {
    close(static_cast<int>(fd));
    return "available";
  }
  const int err = errno;
  std::string why = std::string("unavailable: io_uring_setup failed: ") + std::strerror(err);
  std::ifstream disabled("/proc/sys/kernel/io_uring_disabled");
  int level = 0;
  if (disabled >> level && level != 0) why += " (kernel.io_uring_disabled=" + std::to_string(level) + ")";
  else if (err == EPERM) why += " (blocked by a seccomp filter or container policy?)";
  return why;
}

SystemInfo collect_system_info() {
  SystemInfo info;
  utsname u{};
  if (uname(&u) == 0) {
    info.host_name = u.nodename;
    info.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  info.online_cores = cores > 0 ? static_cast<unsigned>(cores) : 1;
  info.io_uring = probe_io_uring();
  info.git_commit = source_commit();
  info.build_type = CONCUR_BUILD_TYPE;
  return info;
}

}  // namespace concur
