// Rank 0: the plugin's messages in, the tasks out to free workers, the results back; clocks offered to the workers.
#include "dispatcher.hpp"

#include <mpi.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "clock_offset.hpp"
#include "host_facts.hpp"
#include "limits.hpp"
#include "messages.hpp"
#include "mpi_link.hpp"

namespace concur_mpi {
namespace {

// Rank 0's stdin ended: concur has gone, or mpirun is ending the job (a rank
// died). Either way there is nobody to tell; the job just ends.
struct PluginGone {};

// The plugin's end: frames read from stdin, written to stdout.
class PluginLink {
 public:
  PluginLink() : in_(max_message_bytes) {}

  Message read() {
    Message m;
    while (!in_.next(m)) {
      char chunk[64 * 1024];
      const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::system_error(errno, std::generic_category(), "reading the plugin's messages");
      if (n == 0) throw PluginGone{};
      in_.append(chunk, static_cast<std::size_t>(n));
    }
    return m;
  }

  // Queued until flush(): a run's started and result messages go out together.
  void queue(const Message& m) { out_ += frame(m); }
  void flush() {
    std::size_t done = 0;
    while (done < out_.size()) {
      const ssize_t n = ::write(STDOUT_FILENO, out_.data() + done, out_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::system_error(errno, std::generic_category(), "writing to the plugin");
      done += static_cast<std::size_t>(n);
    }
    out_.clear();
  }
  void send(const Message& m) {
    queue(m);
    flush();
  }

 private:
  FrameBuffer in_;
  std::string out_;
};

class Dispatcher {
 public:
  explicit Dispatcher(int workers) : workers_(workers) {}

  void run() {
    open();
    for (;;) {
      Message m = plugin_.read();
      if (const auto* run = std::get_if<RunMessage>(&m)) {
        dispatch(*run);
      } else if (std::holds_alternative<StopMessage>(m)) {
        for (int rank = 1; rank <= workers_; ++rank) send_to(rank, StopMessage{});
        return;
      } else {
        throw std::runtime_error("rank 0: a message out of turn from the plugin");
      }
    }
  }

 private:
  void open() {
    Message m = plugin_.read();
    auto* open = std::get_if<OpenMessage>(&m);
    if (!open) throw std::runtime_error("rank 0: expected the batch's ticket first");
    if (open->concur_boot_id != boot_id()) {
      open->clock_offset_ns = measure_clock_offset([this] {
        plugin_.send(PingMessage{});
        Message reply = plugin_.read();
        const auto* clock = std::get_if<ClockMessage>(&reply);
        if (!clock) throw std::runtime_error("rank 0: expected the plugin's clock");
        return clock->ns;
      });
    }
    clock_offset_ns_ = open->clock_offset_ns;
    broadcast(encode(*open));

    ReadyMessage ready;
    ready.ranks.resize(static_cast<std::size_t>(workers_));
    ready.worker_cpu_ns.resize(static_cast<std::size_t>(workers_));
    for (int waiting = workers_; waiting > 0;) {
      auto [rank, reply] = receive(any_rank);
      if (std::holds_alternative<PingMessage>(reply)) {
        send_to(rank, ClockMessage{steady_ns() + clock_offset_ns_});
      } else if (const auto* worker = std::get_if<ReadyMessage>(&reply); worker && !worker->ranks.empty()) {
        ready.ranks[static_cast<std::size_t>(rank - 1)] = worker->ranks.front();
        ready.worker_cpu_ns[static_cast<std::size_t>(rank - 1)] = worker->cpu_ns;
        --waiting;
      } else if (const auto* failed = std::get_if<FailedMessage>(&reply)) {
        throw std::runtime_error(failed->message);
      } else {
        throw std::runtime_error("rank 0: a message out of turn from rank " + std::to_string(rank));
      }
    }
    ready.cpu_ns = process_cpu_ns();
    plugin_.send(ready);
  }

  void dispatch(const RunMessage& run) {
    std::deque<std::uint32_t> free_lanes;
    for (int lane = 0; lane < workers_; ++lane) free_lanes.push_back(static_cast<std::uint32_t>(lane));
    std::size_t range = 0;
    std::uint64_t next = run.ranges.empty() ? 0 : run.ranges.front().first;
    int busy = 0;
    for (;;) {
      while (!free_lanes.empty()) {
        while (range < run.ranges.size() && next >= run.ranges[range].second) {
          if (++range < run.ranges.size()) next = run.ranges[range].first;
        }
        if (range == run.ranges.size()) break;
        const std::uint32_t lane = free_lanes.front();
        free_lanes.pop_front();
        // The plugin hears of a task before its worker can start it: if the
        // worker dies running it, the plugin knows which task went with it.
        plugin_.send(StartedMessage{next, lane});
        send_to(static_cast<int>(lane) + 1, TaskMessage{next++});
        ++busy;
      }
      plugin_.flush();
      if (busy == 0) break;
      auto [rank, reply] = receive(any_rank);
      if (auto* result = std::get_if<ResultMessage>(&reply)) {
        result->lane = static_cast<std::uint32_t>(rank - 1);
        plugin_.queue(*result);
        free_lanes.push_back(result->lane);
        --busy;
      } else if (const auto* failed = std::get_if<FailedMessage>(&reply)) {
        throw std::runtime_error(failed->message);
      } else {
        throw std::runtime_error("rank 0: a message out of turn from rank " + std::to_string(rank));
      }
    }
    plugin_.send(DoneMessage{process_cpu_ns()});
  }

  const int workers_;
  PluginLink plugin_;
  std::int64_t clock_offset_ns_ = 0;
};

}  // namespace

int run_dispatcher(int workers) {
  try {
    Dispatcher(workers).run();
    return 0;
  } catch (const PluginGone&) {
    MPI_Abort(MPI_COMM_WORLD, 5);
    return 5;
  } catch (const std::exception& e) {
    // The plugin reads why; MPI_Abort then ends every rank, so none waits forever.
    try {
      PluginLink().send(FailedMessage{e.what()});
    } catch (...) {
    }
    MPI_Abort(MPI_COMM_WORLD, 4);
    return 4;
  }
}

}  // namespace concur_mpi
