// Rank 0: the plugin's messages in, the tasks out to free workers, the results back; clocks offered to the workers.
#include "dispatcher.hpp"

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
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

// Short tasks are sent ahead to their lane, as many as take about this long
// together (by the lane's last task, round trip to rank 0 included), at most
// max_ahead: enough that a lane never waits for rank 0 between them, and
// little enough that lanes still end a batch together.
constexpr std::chrono::nanoseconds work_ahead = std::chrono::microseconds(250);
constexpr std::size_t max_ahead = 64;

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

  // A lane runs one task at a time, and holds more only while its tasks are
  // short (work_ahead); longer tasks go one at a time, to whichever lane is free.
  struct Lane {
    std::deque<std::uint64_t> tasks;  // handed to it, in order; the first is running
    std::int64_t front_since = 0;      // when the first became the first
    std::int64_t last_task_ns = work_ahead.count();  // until one ends: one task at a time

    std::size_t depth() const {
      return static_cast<std::size_t>(std::clamp<std::int64_t>(work_ahead.count() / std::max<std::int64_t>(last_task_ns, 1),
                                                               1, max_ahead));
    }
  };

  void dispatch(const RunMessage& run) {
    std::vector<Lane> lanes(static_cast<std::size_t>(workers_));
    std::size_t range = 0;
    std::uint64_t next = run.ranges.empty() ? 0 : run.ranges.front().first;
    const auto take_next = [&](std::uint64_t& index) {
      while (range < run.ranges.size() && next >= run.ranges[range].second) {
        if (++range < run.ranges.size()) next = run.ranges[range].first;
      }
      if (range == run.ranges.size()) return false;
      index = next++;
      return true;
    };
    std::size_t busy = 0;
    std::vector<std::pair<std::uint32_t, std::uint64_t>> handed;
    std::vector<Received> arrived;
    for (;;) {
      for (std::uint32_t lane = 0; lane < lanes.size(); ++lane) {
        Lane& l = lanes[lane];
        const std::size_t depth = l.depth();
        std::uint64_t index = 0;
        while (l.tasks.size() < depth && take_next(index)) {
          plugin_.queue(StartedMessage{index, lane});
          if (l.tasks.empty()) l.front_since = steady_ns();
          l.tasks.push_back(index);
          handed.emplace_back(lane, index);
          ++busy;
        }
      }
      // The plugin hears of a task before its worker can start it: if the
      // worker dies running it, the plugin knows which task went with it.
      plugin_.flush();
      for (const auto& [lane, index] : handed) send_to(static_cast<int>(lane) + 1, TaskMessage{index});
      handed.clear();
      if (busy == 0) break;
      // Every result that has arrived, passed on in the order the tasks
      // ended: MPI hands over waiting messages by rank, not by time, and the
      // harness records completion in the order results reach it.
      arrived.clear();
      arrived.push_back(receive(any_rank));
      for (Received more; try_receive(any_rank, more);) arrived.push_back(std::move(more));
      std::stable_sort(arrived.begin(), arrived.end(), [](const Received& a, const Received& b) {
        return end_of(a) < end_of(b);
      });
      for (Received& r : arrived) take_result(r, lanes);
      busy -= arrived.size();
    }
    plugin_.send(DoneMessage{process_cpu_ns()});
  }

  static std::int64_t end_of(const Received& r) {
    const auto* result = std::get_if<ResultMessage>(&r.message);
    return result ? result->end_ns : 0;  // anything else is an error, handled first
  }

  void take_result(Received& received, std::vector<Lane>& lanes) {
    auto* result = std::get_if<ResultMessage>(&received.message);
    if (!result) {
      if (const auto* failed = std::get_if<FailedMessage>(&received.message)) throw std::runtime_error(failed->message);
      throw std::runtime_error("rank 0: a message out of turn from rank " + std::to_string(received.from));
    }
    result->lane = static_cast<std::uint32_t>(received.from - 1);
    Lane& lane = lanes.at(result->lane);
    if (lane.tasks.empty() || lane.tasks.front() != result->index) {
      throw std::runtime_error("rank 0: rank " + std::to_string(received.from) + " sent the result of task " +
                               std::to_string(result->index) + " out of turn");
    }
    lane.tasks.pop_front();
    const std::int64_t now = steady_ns();
    lane.last_task_ns = now - lane.front_since;
    lane.front_since = now;
    plugin_.queue(*result);
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
