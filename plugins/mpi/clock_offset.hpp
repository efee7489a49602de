// Clock offset: how far another process's steady clock is from this one's, by the round trip with the least delay.
#pragma once

#include <cstdint>
#include <functional>

namespace concur_mpi {

// Asks `read_remote` (which sends a ping and returns the clock in the reply)
// `rounds` times and keeps the round trip that took least: its reading, less
// the middle of the round trip here, is the offset to add to this clock to
// get the other's. Its error is at most half that round trip.
std::int64_t measure_clock_offset(const std::function<std::int64_t()>& read_remote, int rounds = 16);

}  // namespace concur_mpi
