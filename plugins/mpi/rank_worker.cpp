#include "rank_worker.hpp"

#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "clock_offset.hpp"
#include "concur/remote.hpp"
#include "host_facts.hpp"
#include "messages.hpp"
#include "mpi_link.hpp"

namespace concur_mpi {
namespace {

// Says why this rank cannot go on (rank 0 passes it to the plugin, which
// ends the job), then waits to be ended with it.
[[noreturn]] void give_up(int rank, const std::string& why) {
  send_to(0, FailedMessage{"mpi rank " + std::to_string(rank) + " (pid " + std::to_string(::getpid()) + " on " +
                           host_name() + "): " + why});
  for (;;) ::pause();
}

}  // namespace

int run_rank_worker(int rank) {
  const Message received = decode(broadcast({}));
  const auto* open = std::get_if<OpenMessage>(&received);
  if (!open) give_up(rank, "expected the batch's ticket from rank 0");
  // On concur's host the clocks are one; elsewhere, rank 0 offers its clock
  // already moved onto concur's.
  std::int64_t offset = 0;
  if (open->concur_boot_id != boot_id()) {
    offset = measure_clock_offset([] {
      send_to(0, PingMessage{});
      const Message reply = receive(0).message;
      const auto* clock = std::get_if<ClockMessage>(&reply);
      if (!clock) throw std::runtime_error("expected rank 0's clock");
      return clock->ns;
    });
  }
  std::string error;
  const std::unique_ptr<concur::TaskSource> source = concur::open_remote(open->ticket, offset, error);
  if (!source) give_up(rank, error);
  std::unique_ptr<concur::Io> io;
  try {
    io = source->blocking_io();
  } catch (const std::exception& e) {
    give_up(rank, std::string("could not create a blocking Io: ") + e.what());
  }
  ReadyMessage ready;
  ready.cpu_ns = process_cpu_ns();
  ready.ranks.push_back({static_cast<std::int32_t>(::getpid()), host_name()});
  send_to(0, ready);

  const auto lane = static_cast<unsigned>(rank - 1);
  for (;;) {
    const Message m = receive(0).message;
    if (std::holds_alternative<StopMessage>(m)) return 0;
    const auto* task_message = std::get_if<TaskMessage>(&m);
    if (!task_message) give_up(rank, "a message out of turn from rank 0");
    ResultMessage result;
    result.index = task_message->index;
    concur::Task task = source->task(result.index, *io, lane, result.record);
    if (!task) give_up(rank, "the task source returned no task for index " + std::to_string(result.index));
    task.start();  // with a blocking Io the task has finished when start() returns
    if (!task.done()) give_up(rank, "a task suspended instead of finishing; the mpi strategy needs an Io that blocks");
    result.lane = lane;
    result.end_ns = steady_ns() + offset;
    result.cpu_ns = process_cpu_ns();
    send_to(0, result);
  }
}

}  // namespace concur_mpi
