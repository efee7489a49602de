// ClaimBoard: a memfd mapped shared by the pool and every worker.
#include "claim_board.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <new>
#include <system_error>

namespace concur_fork {

static_assert(std::atomic<std::uint64_t>::is_always_lock_free && std::atomic<std::int64_t>::is_always_lock_free &&
                  std::atomic<std::uint32_t>::is_always_lock_free,
              "the claim board needs lock-free atomics, which work across processes");

ClaimBoard::ClaimBoard(unsigned lanes) : fd_(::memfd_create("concur-fork-claims", MFD_CLOEXEC)) {
  if (!fd_) throw std::system_error(errno, std::generic_category(), "memfd_create for the claim board");
  if (::ftruncate(fd_.get(), static_cast<off_t>(bytes_for(lanes))) != 0) {
    throw std::system_error(errno, std::generic_category(), "ftruncate of the claim board");
  }
  map(lanes);
  // The file starts zeroed, which is every field's initial value; constructing
  // the atomics in place makes that official for the compiler.
  header_ = new (memory_) Header;
  slots_ = new (static_cast<char*>(memory_) + sizeof(Header)) LaneSlot[lanes];
}

ClaimBoard::ClaimBoard(UniqueFd fd, unsigned lanes) : fd_(std::move(fd)) {
  map(lanes);
  // The pool constructed these objects; this process sees the same bytes.
  header_ = std::launder(static_cast<Header*>(memory_));
  slots_ = std::launder(reinterpret_cast<LaneSlot*>(static_cast<char*>(memory_) + sizeof(Header)));
}

ClaimBoard::~ClaimBoard() {
  if (memory_ != nullptr) ::munmap(memory_, size_);
}

void ClaimBoard::map(unsigned lanes) {
  size_ = bytes_for(lanes);
  void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
  if (p == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap of the claim board");
  memory_ = p;
}

}  // namespace concur_fork
