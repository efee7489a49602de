// MpiLink: the ranks' messages over MPI (point to point, one message per MPI message), waited for with Backoff.
#pragma once

#include <string>

#include "messages.hpp"

namespace concur_mpi {

// Any rank, in MPI_Probe's sense.
inline constexpr int any_rank = -1;

// The ranks of MPI_COMM_WORLD: rank 0 dispatches, ranks 1.. run tasks.
// Errors from MPI abort the job (MPI's default handler), which the plugin sees.
void send_to(int rank, const Message& m);

struct Received {
  int from = 0;  // the sender's rank
  Message message;
};
// Takes the next message from `rank` (or any_rank) into `out`, if one has arrived.
bool try_receive(int rank, Received& out);
// Waits for the next message from `rank` (or any_rank), polling with Backoff.
Received receive(int rank);

// The same bytes to every rank from rank 0 (the ticket).
std::string broadcast(std::string bytes);

}  // namespace concur_mpi
