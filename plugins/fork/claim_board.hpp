// ClaimBoard: memory the pool shares with its workers, from which each worker claims a batch's tasks itself.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// What one lane's worker is doing, written by the worker, read by the pool to
// tell which task a dead or overdue worker had.
struct alignas(64) LaneSlot {
  std::atomic<std::uint64_t> running{0};     // index + 1 of the task it runs; 0 when none
  std::atomic<std::int64_t> started_ns{0};   // steady clock, when that task started
  std::atomic<std::uint32_t> claiming{0};    // 1 from taking an index until `running` names it
};

// The claim counter and one slot per lane, in a memfd the pool creates and
// passes to each worker (through the fork server, with SCM_RIGHTS). Workers
// take the next index with one atomic add, as the threads strategy's threads
// do: no round trip through the pool per task. Atomics that are lock-free
// work across processes on shared memory; the board checks they are.
class ClaimBoard {
 public:
  // A new board for `lanes` lanes. Throws std::system_error.
  explicit ClaimBoard(unsigned lanes);
  // The board behind `fd`, as a worker maps it. Throws std::system_error.
  ClaimBoard(UniqueFd fd, unsigned lanes);
  ~ClaimBoard();
  ClaimBoard(const ClaimBoard&) = delete;
  ClaimBoard& operator=(const ClaimBoard&) = delete;

  int fd() const noexcept { return fd_.get(); }

  // The next unclaimed index of the batch being run (the pool resets it).
  std::atomic<std::uint64_t>& next() noexcept { return header_->next; }
  LaneSlot& lane(unsigned lane) noexcept { return slots_[lane]; }
  const LaneSlot& lane(unsigned lane) const noexcept { return slots_[lane]; }

 private:
  struct alignas(64) Header {
    std::atomic<std::uint64_t> next{0};
  };
  static std::size_t bytes_for(unsigned lanes) noexcept { return sizeof(Header) + lanes * sizeof(LaneSlot); }
  void map(unsigned lanes);

  UniqueFd fd_;
  std::size_t size_ = 0;
  void* memory_ = nullptr;
  Header* header_ = nullptr;
  LaneSlot* slots_ = nullptr;
};

}  // namespace concur_fork
