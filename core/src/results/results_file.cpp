#include "results/results_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <system_error>

namespace concur {
namespace {

// The new contents, written to a file with no name (O_TMPFILE) in the
// target's folder: a process killed while writing leaves nothing behind. The
// file gets a name only when it is whole, for the instant before the rename
// puts it in place. Where the filesystem has no unnamed files (NFS, vfat), a
// named temporary file does, removed unless it was put in place.
class PendingFile {
 public:
  explicit PendingFile(const std::filesystem::path& target) : name_(target.string() + ".tmp-" + std::to_string(::getpid())) {
    const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
    fd_ = ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
      fd_ = ::open(name_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      named_ = fd_ >= 0;
    }
    open_error_ = fd_ < 0 ? errno : 0;
  }
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  ~PendingFile() {
    if (fd_ >= 0) ::close(fd_);
    if (named_) ::unlink(name_.c_str());
  }

  int fd() const { return fd_; }
  int open_error() const { return open_error_; }

  // Puts the whole file in place of `target`.
  void replace(const std::filesystem::path& target) {
    if (!named_) {
      const std::string self = "/proc/self/fd/" + std::to_string(fd_);
      if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name_.c_str(), AT_SYMLINK_FOLLOW) != 0) {
        throw std::runtime_error(name_.string() + ": cannot create: " + std::strerror(errno));
      }
      named_ = true;
    }
    if (::rename(name_.c_str(), target.c_str()) != 0) {
      throw std::runtime_error(target.string() + ": cannot replace: " + std::strerror(errno));
    }
    named_ = false;
  }

 private:
  std::filesystem::path name_;
  int fd_ = -1;
  int open_error_ = 0;
  bool named_ = false;  // name_ exists and is this file's
};

}  // namespace

std::filesystem::path default_results_path(const Suite& suite) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return std::filesystem::path("results") / (suite.name + "-" + stamp + ".json");
}

std::string results_path_problem(const std::filesystem::path& path) {
  if (path.empty()) return "empty; expected a file name";
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) return "is a folder; expected a file path";
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return "is not a regular file; expected a file the results can replace";
  }
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  if (!std::filesystem::is_directory(folder, ec)) {
    return "no folder " + folder.string() + "; expected an existing folder";
  }
  const PendingFile probe(path);
  if (probe.fd() < 0) return "cannot write in " + folder.string() + ": " + std::strerror(probe.open_error());
  return {};
}

void write_results_file(const std::filesystem::path& path, const std::string& text) {
  PendingFile file(path);
  const auto failed = [&](const char* what, int error) {
    throw std::runtime_error(path.string() + ": cannot " + what + ": " + std::strerror(error));
  };
  if (file.fd() < 0) failed("create", file.open_error());
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(file.fd(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) failed("write", errno);
    done += static_cast<std::size_t>(n);
  }
  // On disk before the rename, so that after a crash the name holds the old file or the new one, not an empty one.
  if (::fsync(file.fd()) != 0) failed("write", errno);
  file.replace(path);
}

}  // namespace concur
