// Shared inputs: workload inputs made once, in a memory file that processes forked from concur map instead of generating them again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace concur {

// Where a workload's inputs lie in the inputs file; goes into the batch description.
struct InputPlacement {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
};

// A workload's inputs, read-only once made. Owns its mapping; the region
// that made the bytes also frees them when it goes.
class InputRegion {
 public:
  InputRegion() = default;
  InputRegion(std::uint8_t* data, std::size_t size, std::optional<InputPlacement> owned) noexcept
      : data_(data), size_(size), owned_(owned) {}
  InputRegion(InputRegion&& other) noexcept;
  InputRegion& operator=(InputRegion&& other) noexcept;
  InputRegion(const InputRegion&) = delete;
  InputRegion& operator=(const InputRegion&) = delete;
  ~InputRegion();

  std::span<const std::uint8_t> bytes() const noexcept { return {data_, size_}; }

 private:
  void release() noexcept;
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::optional<InputPlacement> owned_;  // bytes of the inputs file to free with the mapping
};

// Gives a workload the region its inputs live in.
class InputStore {
 public:
  using Fill = std::function<void(std::span<std::uint8_t>)>;
  virtual ~InputStore() = default;
  // A region of `bytes` holding the inputs `fill` writes: made here, or mapped
  // from where concur made them (then `fill` is not called). Throws
  // std::runtime_error saying why when the memory cannot be had.
  virtual InputRegion region(std::size_t bytes, const Fill& fill) = 0;
};

// concur's: regions appended to the inputs file (shared_inputs_fd()).
// Remembers where the region it made is, for the batch description.
class SharedInputStore final : public InputStore {
 public:
  InputRegion region(std::size_t bytes, const Fill& fill) override;
  const std::optional<InputPlacement>& placement() const noexcept { return placement_; }

 private:
  std::optional<InputPlacement> placement_;
};

// In a process forked from concur: the region a description names, mapped
// read-only with its pages mapped up front. Throws std::runtime_error when the
// placement is not in this process's inputs file or `bytes` differs from it.
//
// `reopened`: the placement's fd is concur's inputs file opened again through
// /proc/<concur's pid>/fd by a process on concur's host that concur did not
// fork (an mpi rank), checked by its opener, not against this process's file.
class MappedInputStore final : public InputStore {
 public:
  explicit MappedInputStore(std::optional<InputPlacement> placement, bool reopened = false)
      : placement_(placement), reopened_(reopened) {}
  InputRegion region(std::size_t bytes, const Fill& fill) override;

 private:
  std::optional<InputPlacement> placement_;
  bool reopened_;
};

// Anonymous memory of this process alone: for tests that share nothing.
class PrivateInputStore final : public InputStore {
 public:
  InputRegion region(std::size_t bytes, const Fill& fill) override;
};

// The inputs file of this process, created on first use: a memfd that
// processes forked after that inherit. Throws std::system_error when it
// cannot be created.
int shared_inputs_fd();

// True when `fd` is, in this process, the inputs file shared_inputs_fd()
// made (in concur or in the process it was forked from).
bool is_shared_inputs_fd(int fd) noexcept;

}  // namespace concur
