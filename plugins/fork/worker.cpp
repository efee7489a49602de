// The worker process's loop: TASK in, the task run to completion with a blocking Io, RESULT out.
#include "worker.hpp"

#include <unistd.h>

#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "channel.hpp"
#include "child_process.hpp"
#include "limits.hpp"
#include "wire.hpp"

namespace concur_fork {
namespace {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void cut(std::string& text) {
  static constexpr std::string_view mark = " [cut by the fork strategy]";
  if (text.size() > max_outcome_text_bytes) {
    text.resize(max_outcome_text_bytes - mark.size());
    text += mark;
  }
}

concur::TaskReport run_task(concur::TaskSource& source, concur::Io* io, const std::string& io_error,
                            std::size_t index, unsigned worker) {
  concur::TaskReport report;
  const std::int64_t start = steady_ns();
  if (!io) {
    report.outcome = concur::Outcome::error(io_error);
  } else {
    concur::Task task = source.task(index, *io, worker, report);
    if (!task) {
      report.outcome = concur::Outcome::error("the task source returned no task for this index");
    } else {
      task.start();  // with a blocking Io the task has finished when start() returns
      if (!task.done()) {
        report.outcome = concur::Outcome::error(
            "the task suspended instead of finishing; the fork strategy needs an Io that blocks");
      }
    }
  }
  // The source fills in its own times; these cover a task that never started.
  report.index = index;
  report.worker = worker;
  if (report.end_ns == 0) {
    report.start_ns = start;
    report.end_ns = steady_ns();
  }
  cut(report.outcome.digest);
  cut(report.outcome.message);
  return report;
}

}  // namespace

void run_worker(concur::TaskSource& source, unsigned worker, UniqueFd socket, pid_t server) noexcept {
  die_with_parent(server);
  try {
    // Io creation may fail (curl_easy_init); each task then reports it, so
    // the pool sees error outcomes rather than a worker that vanished.
    std::unique_ptr<concur::Io> io;
    std::string io_error;
    try {
      io = source.blocking_io();
      if (!io) io_error = "the task source returned no blocking Io";
    } catch (const std::exception& e) {
      io_error = std::string("could not create a blocking Io: ") + e.what();
    }

    for (;;) {
      const Received received = receive_message(socket.get(), max_task_bytes);
      if (received.eof) ::_exit(0);  // the pool is done with this worker
      const TaskMessage task = decode_task(received.bytes);
      send_message(socket.get(), encode(run_task(source, io.get(), io_error, task.index, worker)));
    }
  } catch (...) {
    // A broken socket or a malformed message: the pool sees this worker end
    // and reports the task it was running, if any.
  }
  // _exit, not exit: the atexit handlers and static objects belong to concur.
  ::_exit(3);
}

}  // namespace concur_fork
