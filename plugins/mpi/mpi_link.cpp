#include "mpi_link.hpp"

#include <mpi.h>

#include <limits>

#include "backoff.hpp"

namespace concur_mpi {
namespace {

constexpr int tag = 1;

}  // namespace

void send_to(int rank, const Message& m) {
  const std::string bytes = encode(m);
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) throw WireError("message too large for MPI");
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, rank, tag, MPI_COMM_WORLD);
}

bool try_receive(int rank, Received& out) {
  int arrived = 0;
  MPI_Status status;
  MPI_Iprobe(rank == any_rank ? MPI_ANY_SOURCE : rank, tag, MPI_COMM_WORLD, &arrived, &status);
  if (!arrived) return false;
  int size = 0;
  MPI_Get_count(&status, MPI_BYTE, &size);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  MPI_Recv(bytes.data(), size, MPI_BYTE, status.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  out.from = status.MPI_SOURCE;
  out.message = decode(bytes);
  return true;
}

Received receive(int rank) {
  Received received;
  for (Backoff backoff; !try_receive(rank, received);) backoff.pause();
  return received;
}

std::string broadcast(std::string bytes) {
  unsigned long long size = bytes.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  bytes.resize(static_cast<std::size_t>(size));
  MPI_Bcast(bytes.data(), static_cast<int>(size), MPI_BYTE, 0, MPI_COMM_WORLD);
  return bytes;
}

}  // namespace concur_mpi
