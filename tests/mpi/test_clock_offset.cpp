// The clock offset of another process's clock, kept from the round trip with the least delay.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <thread>
#include <vector>

#include "mpi/clock_offset.hpp"
#include "mpi/host_facts.hpp"

namespace concur_mpi {
namespace {

using namespace std::chrono_literals;

// When each round read the remote clock, and when it was called and returned.
struct Round {
  std::int64_t called = 0, read = 0, returned = 0;
};

// A remote clock `offset` ahead of this one. Every round but the third waits
// 30 ms before reading it, as a slow request would: an offset measured on such
// a round is off by about 15 ms. The third waits 5 ms on either side of its
// reading: the least delay, neither the first round nor the last. Its reading
// less the middle of its round trip is the answer, within the calls' own
// overhead (taking the start of the trip instead would be 5 ms off).
TEST(ClockOffset, KeepsTheRoundTripWithTheLeastDelay) {
  for (const std::int64_t offset : {std::int64_t{5'000'000'000}, std::int64_t{-5'000'000'000}}) {
    std::vector<Round> rounds;
    const std::int64_t measured = measure_clock_offset(
        [&] {
          Round r;
          r.called = steady_ns();
          const bool fast = rounds.size() == 2;
          std::this_thread::sleep_for(fast ? 5ms : 30ms);
          r.read = steady_ns();
          if (fast) std::this_thread::sleep_for(5ms);
          r.returned = steady_ns();
          rounds.push_back(r);
          return r.read + offset;
        },
        5);
    ASSERT_EQ(rounds.size(), 5u);
    // The round with the least delay as seen from inside: the third, unless this machine stalled it.
    const Round& best = *std::min_element(rounds.begin(), rounds.end(), [](const Round& a, const Round& b) {
      return a.returned - a.called < b.returned - b.called;
    });
    const std::int64_t expected = offset + best.read - (best.called + (best.returned - best.called) / 2);
    EXPECT_LT(std::llabs(measured - expected), 1'000'000) << "offset " << offset << ", measured " << measured;
    EXPECT_LT(std::llabs(measured - offset), 20'000'000) << "offset " << offset << ", measured " << measured;
  }
}

// The same clock: an offset of (about) zero, whatever the sign conventions.
TEST(ClockOffset, TheSameClockIsNoOffset) {
  EXPECT_LT(std::llabs(measure_clock_offset([] { return steady_ns(); })), 5'000'000);
}

}  // namespace
}  // namespace concur_mpi
