// Shared inputs: made once in concur's memory file, read-only, mapped unchanged by a forked process, freed with the workload.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "workloads/random_data.hpp"
#include "workloads/shared_inputs.hpp"

namespace concur {
namespace {

InputStore::Fill fill_with(std::uint8_t byte) {
  return [byte](std::span<std::uint8_t> bytes) { std::fill(bytes.begin(), bytes.end(), byte); };
}

// Runs `check` in a forked child; true when it returned true there.
template <class Check>
bool in_child(Check check) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(check() ? 0 : 1);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(SharedInputs, RegionsArePlacedInTheInputsFileOnFreshBoundaries) {
  SharedInputStore a, b;
  const InputRegion ra = a.region(3000, fill_with(1));
  const InputRegion rb = b.region(5000, fill_with(2));
  ASSERT_TRUE(a.placement() && b.placement());
  EXPECT_EQ(a.placement()->fd, shared_inputs_fd());
  EXPECT_EQ(a.placement()->bytes, 3000u);
  EXPECT_EQ(a.placement()->offset % (2 << 20), 0u);
  EXPECT_GE(b.placement()->offset, a.placement()->offset + 3000);
  EXPECT_TRUE(std::all_of(ra.bytes().begin(), ra.bytes().end(), [](std::uint8_t x) { return x == 1; }));
  EXPECT_TRUE(std::all_of(rb.bytes().begin(), rb.bytes().end(), [](std::uint8_t x) { return x == 2; }));
  EXPECT_THROW(a.region(10, fill_with(3)), std::logic_error);  // one region per workload
}

TEST(SharedInputs, AForkedProcessMapsTheSameBytesWithoutFilling) {
  SharedInputStore store;
  const InputRegion made = store.region(1 << 20, fill_with(7));
  const InputPlacement placement = *store.placement();
  EXPECT_TRUE(in_child([&] {
    MappedInputStore mapped(placement);
    bool filled = false;
    const InputRegion region = mapped.region(1 << 20, [&](std::span<std::uint8_t>) { filled = true; });
    return !filled && std::equal(region.bytes().begin(), region.bytes().end(), made.bytes().begin());
  }));
}

TEST(SharedInputs, MappingRefusesOtherFilesAndSizes) {
  SharedInputStore store;
  const InputRegion made = store.region(4096, fill_with(1));
  InputPlacement placement = *store.placement();
  EXPECT_THROW(MappedInputStore(placement).region(8192, fill_with(0)), std::runtime_error);
  placement.fd = STDIN_FILENO;
  try {
    MappedInputStore(placement).region(4096, fill_with(0));
    ADD_FAILURE() << "mapped another file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is not concur's shared inputs file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(MappedInputStore(std::nullopt).region(1, fill_with(0)), std::runtime_error);
  EXPECT_TRUE(MappedInputStore(std::nullopt).region(0, fill_with(0)).bytes().empty());
}

TEST(SharedInputs, InputsAreReadOnlyOnceMade) {
  SharedInputStore store;
  const InputRegion region = store.region(4096, fill_with(1));
  auto* data = const_cast<std::uint8_t*>(region.bytes().data());
  EXPECT_FALSE(in_child([&] {
    data[0] = 2;  // faults: a task that writes to its inputs
    return true;
  }));
}

TEST(SharedInputs, ARegionGivesItsMemoryBackWhenItGoes) {
  const auto blocks = [] {
    struct stat st {};
    ::fstat(shared_inputs_fd(), &st);
    return st.st_blocks;
  };
  const auto before = blocks();
  {
    SharedInputStore store;
    const InputRegion region = store.region(8 << 20, fill_with(1));
    EXPECT_GE(blocks(), before + (8 << 20) / 512);
  }
  EXPECT_EQ(blocks(), before);
}

TEST(SharedInputs, RandomBuffersHoldEachTasksStream) {
  PrivateInputStore store;
  const RandomBuffers buffers(store, "rc4", 42, {100, 0, 3000});
  ASSERT_EQ(buffers.size(), 3u);
  EXPECT_EQ(buffers.total_bytes(), 3100u);
  for (std::size_t k = 0; k < 3; ++k) {
    const std::vector<std::uint8_t> expected = random_bytes(buffers[k].size(), task_seed(42, "rc4", k));
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), buffers[k].begin(), buffers[k].end())) << k;
  }
}

}  // namespace
}  // namespace concur
