#include "workloads/shared_inputs.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "util/units.hpp"

namespace concur {
namespace {

// Regions start on 2 MiB boundaries: page-aligned for mmap, and a fresh
// boundary for every workload, whatever came before.
constexpr std::uint64_t alignment = 2 << 20;

struct FileIdentity {
  int fd = -1;
  dev_t device = 0;
  ino_t inode = 0;
};

const FileIdentity& inputs_file() {
  static const FileIdentity file = [] {
    // Processes forked from concur inherit it (close-on-exec only keeps it
    // from programs concur execs, which have no use for it).
    const int fd = ::memfd_create("concur-inputs", MFD_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "memfd_create for the shared inputs");
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw std::system_error(errno, std::generic_category(), "fstat of the shared inputs");
    return FileIdentity{fd, st.st_dev, st.st_ino};
  }();
  return file;
}

std::string errno_text() { return std::strerror(errno); }

std::uint8_t* map(int fd, std::uint64_t offset, std::size_t bytes, int protection, int flags) {
  void* p = ::mmap(nullptr, bytes, protection, MAP_SHARED | flags, fd, static_cast<off_t>(offset));
  if (p == MAP_FAILED) {
    throw std::runtime_error("cannot map " + format_size(bytes) + " of shared inputs: " + errno_text());
  }
  return static_cast<std::uint8_t*>(p);
}

}  // namespace

InputRegion::InputRegion(InputRegion&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)), owned_(std::exchange(other.owned_, {})) {}

InputRegion& InputRegion::operator=(InputRegion&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    owned_ = std::exchange(other.owned_, {});
  }
  return *this;
}

InputRegion::~InputRegion() { release(); }

void InputRegion::release() noexcept {
  if (data_ != nullptr) ::munmap(data_, size_);
  if (owned_) {
    // Hands the pages back now; the file keeps its size, so later offsets stay valid.
    ::fallocate(owned_->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(owned_->offset),
                static_cast<off_t>(owned_->bytes));
  }
  data_ = nullptr;
  size_ = 0;
  owned_.reset();
}

InputRegion SharedInputStore::region(std::size_t bytes, const Fill& fill) {
  if (placement_) throw std::logic_error("a workload asked for a second input region");
  const int fd = shared_inputs_fd();
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw std::runtime_error("cannot read the size of the shared inputs: " + errno_text());
  const std::uint64_t offset = (static_cast<std::uint64_t>(st.st_size) + alignment - 1) / alignment * alignment;
  placement_ = InputPlacement{fd, offset, bytes};
  if (bytes == 0) return {};
  // fallocate commits the memory now, so running out of it is this error
  // rather than a SIGBUS halfway through writing the inputs.
  if (const int rc = ::posix_fallocate(fd, static_cast<off_t>(offset), static_cast<off_t>(bytes)); rc != 0) {
    throw std::runtime_error("cannot allocate " + format_size(bytes) + " of input: " + std::strerror(rc));
  }
  InputRegion region(map(fd, offset, bytes, PROT_READ | PROT_WRITE, 0), bytes, placement_);
  auto* data = const_cast<std::uint8_t*>(region.bytes().data());  // ours until it turns read-only below
  fill({data, bytes});
  // Tasks only read their inputs: one that writes to them faults at once.
  if (::mprotect(data, bytes, PROT_READ) != 0) throw std::runtime_error("cannot protect the shared inputs: " + errno_text());
  return region;
}

InputRegion MappedInputStore::region(std::size_t bytes, const Fill&) {
  if (!placement_) {
    if (bytes == 0) return {};
    throw std::runtime_error("the description places no inputs, the workload needs " + format_size(bytes));
  }
  if (placement_->bytes != bytes) {
    throw std::runtime_error("the description places " + format_size(placement_->bytes) + " of inputs, the workload needs " +
                             format_size(bytes));
  }
  if (!reopened_ && !is_shared_inputs_fd(placement_->fd)) {
    throw std::runtime_error("descriptor " + std::to_string(placement_->fd) +
                             " is not concur's shared inputs file in this process (is it forked from concur, with "
                             "concur's descriptors open?)");
  }
  if (bytes == 0) return {};
  // MAP_POPULATE: the pages are mapped here, when the process starts, not by
  // its first task (a fresh process pays for every page it touches).
  return {map(placement_->fd, placement_->offset, bytes, PROT_READ, MAP_POPULATE), bytes, std::nullopt};
}

InputRegion PrivateInputStore::region(std::size_t bytes, const Fill& fill) {
  if (bytes == 0) return {};
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("cannot allocate " + format_size(bytes) + " of input: " + errno_text());
  InputRegion region(static_cast<std::uint8_t*>(p), bytes, std::nullopt);
  fill({static_cast<std::uint8_t*>(p), bytes});
  return region;
}

int shared_inputs_fd() { return inputs_file().fd; }

bool is_shared_inputs_fd(int fd) noexcept {
  try {
    const FileIdentity& file = inputs_file();
    struct stat st {};
    return ::fstat(fd, &st) == 0 && st.st_dev == file.device && st.st_ino == file.inode;
  } catch (...) {
    return false;
  }
}

}  // namespace concur
