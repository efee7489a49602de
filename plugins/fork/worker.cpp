// The worker process's life: open the batch, READY, then on each GO claim tasks from the board and run them to completion with a blocking Io.
#include "worker.hpp"

#include <time.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <memory>
#include <string>

#include "channel.hpp"
#include "child_process.hpp"
#include "claim_board.hpp"
#include "limits.hpp"
#include "wire.hpp"

namespace concur_fork {
namespace {

std::int64_t cpu_ns() noexcept {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::int64_t steady_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Says why this worker cannot go on, then exits: the pool fails the run with it.
[[noreturn]] void give_up(int socket, std::string why) noexcept {
  try {
    if (why.size() > max_failure_text_bytes) why.resize(max_failure_text_bytes);
    send_message(socket, encode(FailedMessage{why}));
  } catch (...) {
  }
  ::_exit(4);
}

}  // namespace

void run_worker(const concur::Host& host, const std::string& description, Lane lane, UniqueFd socket, UniqueFd board_fd,
                pid_t server) noexcept {
  die_with_parent(server);
  try {
    std::string error;
    const std::unique_ptr<concur::TaskSource> source = host.open(description, error);
    if (!source) give_up(socket.get(), error.empty() ? "the host could not open the batch" : error);
    std::unique_ptr<concur::Io> io;
    try {
      io = source->blocking_io();
    } catch (const std::exception& e) {
      give_up(socket.get(), std::string("could not create a blocking Io: ") + e.what());
    }
    if (!io) give_up(socket.get(), "the task source returned no blocking Io");
    ClaimBoard board(std::move(board_fd), lane.lanes);
    LaneSlot& slot = board.lane(lane.worker);
    send_message(socket.get(), encode(ReadyMessage{cpu_ns()}));

    for (;;) {
      const Received received = receive_message(socket.get(), max_go_bytes);
      if (received.eof) ::_exit(0);  // the pool is done with this worker
      decode_go(received.bytes);
      for (;;) {
        // `claiming` covers the moment between taking an index and naming it,
        // so a pool that finds this worker dead then knows an index went with it.
        slot.claiming.store(1);
        const std::uint64_t index = board.next().fetch_add(1);
        if (index >= source->size()) {
          slot.claiming.store(0);
          break;
        }
        slot.started_ns.store(steady_ns());
        slot.running.store(index + 1);
        slot.claiming.store(0);
        std::string record;
        concur::Task task = source->task(index, *io, lane.worker, record);
        if (!task) give_up(socket.get(), "the task source returned no task for index " + std::to_string(index));
        task.start();  // with a blocking Io the task has finished when start() returns
        if (!task.done()) {
          give_up(socket.get(), "a task suspended instead of finishing; the fork strategy needs an Io that blocks");
        }
        send_message(socket.get(), encode(ResultMessage{index, cpu_ns(), std::move(record)}));
        slot.running.store(0);
      }
      send_message(socket.get(), encode(IdleMessage{cpu_ns()}));
    }
  } catch (...) {
    // A broken socket or a malformed message: the pool sees this worker end
    // and reports the task it was running, if any.
  }
  // _exit, not exit: the atexit handlers and static objects belong to concur.
  ::_exit(3);
}

}  // namespace concur_fork
