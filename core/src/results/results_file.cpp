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

// Closes the descriptor; the temporary file goes too unless kept.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::filesystem::path& beside)
      : path_(beside.string() + ".tmp-" + std::to_string(::getpid())),
        fd_(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)),
        open_error_(fd_ < 0 ? errno : 0) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }

  int fd() const { return fd_; }
  int open_error() const { return open_error_; }
  const std::filesystem::path& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  std::filesystem::path path_;
  int fd_;
  int open_error_;
  bool kept_ = false;
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
  const TemporaryFile probe(path);
  if (probe.fd() < 0) return "cannot write in " + folder.string() + ": " + std::strerror(probe.open_error());
  return {};
}

void write_results_file(const std::filesystem::path& path, const std::string& text) {
  TemporaryFile file(path);
  const auto failed = [&](const char* what, int error) {
    throw std::runtime_error(file.path().string() + ": cannot " + what + ": " + std::strerror(error));
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
  if (::rename(file.path().c_str(), path.c_str()) != 0) {
    throw std::runtime_error(path.string() + ": cannot replace: " + std::strerror(errno));
  }
  file.keep();
}

}  // namespace concur
