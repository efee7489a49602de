// Pool: spawning workers, a poll() loop handing out indexes, and turning dead or overdue workers into error outcomes.
#include "pool.hpp"

#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "channel.hpp"
#include "failure_text.hpp"
#include "limits.hpp"
#include "wire.hpp"

namespace concur_fork {
namespace {

constexpr unsigned max_lost_before_first_task = 3;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Pool::Pool(ForkServer& server, concur::Batch& batch, std::chrono::nanoseconds task_timeout)
    : server_(server), batch_(batch), task_timeout_(task_timeout) {}

Pool::~Pool() {
  for (std::optional<Worker>& worker : lanes_) {
    if (!worker) continue;
    worker->socket.reset();
    ::kill(worker->pid, SIGKILL);
    try {
      server_.reap(worker->pid);
    } catch (...) {
      // The server is gone; its workers die with it (PR_SET_PDEATHSIG) and
      // are no children of this process, so none is left as our zombie.
    }
  }
}

PoolFigures Pool::run(unsigned workers) {
  const std::int64_t started = steady_ns();
  const std::size_t size = batch_.size();
  description_ = batch_.description();

  // Every worker is forked before the first task is sent, and inside the
  // timed run: start-up is part of what a process pool costs (Table 17-1
  // included it), and it is reported on its own as pool_startup_seconds.
  lanes_.resize(std::min<std::size_t>(workers, size));
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) spawn(lane);
  figures_.startup_seconds = static_cast<double>(steady_ns() - started) / 1e9;

  std::vector<pollfd> polled;
  std::vector<unsigned> polled_lanes;
  while (finished_ < size) {
    for (unsigned lane = 0; lane < lanes_.size() && next_ < size; ++lane) {
      if (lanes_[lane] && !lanes_[lane]->task && dispatch(lane, next_)) ++next_;
    }

    polled.clear();
    polled_lanes.clear();
    for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
      if (!lanes_[lane] || !lanes_[lane]->task) continue;
      polled.push_back({lanes_[lane]->socket.get(), POLLIN, 0});
      polled_lanes.push_back(lane);
    }
    if (polled.empty()) {
      // Every idle worker was found gone and replaced: hand out tasks again.
      const bool idle_worker = std::any_of(lanes_.begin(), lanes_.end(), [](const auto& w) { return w && !w->task; });
      if (idle_worker && next_ < size) continue;
      throw std::logic_error("fork pool: tasks remain but no worker is running one");
    }

    timespec wait{};
    const std::optional<std::chrono::nanoseconds> until = until_next_deadline();
    if (until) {
      wait.tv_sec = static_cast<time_t>(until->count() / 1'000'000'000);
      wait.tv_nsec = static_cast<long>(until->count() % 1'000'000'000);
    }
    if (::ppoll(polled.data(), polled.size(), until ? &wait : nullptr, nullptr) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll on the worker sockets");
    }
    for (std::size_t i = 0; i < polled.size(); ++i) {
      // POLLHUP and POLLERR need no asking; a result sent just before the
      // worker went is still read first.
      if (polled[i].revents != 0) collect(polled_lanes[i]);
    }
    if (task_timeout_.count() > 0) {
      const std::int64_t now = steady_ns();
      for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
        if (lanes_[lane] && lanes_[lane]->task && now - lanes_[lane]->dispatched_ns >= task_timeout_.count()) {
          fail_task(lane, Failure::timed_out);
        }
      }
    }
  }

  // Closing a worker's socket is its signal to exit; then wait for each.
  for (std::optional<Worker>& worker : lanes_) {
    if (worker) worker->socket.reset();
  }
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
    if (lanes_[lane]) retire(lane, false);
  }
  return figures_;
}

void Pool::spawn(unsigned lane) {
  SpawnedWorker spawned = server_.spawn(description_, lane);
  Worker worker;
  worker.pid = spawned.pid;
  worker.socket = std::move(spawned.socket);
  lanes_[lane] = std::move(worker);
  ++figures_.spawned;
}

bool Pool::dispatch(unsigned lane, std::size_t index) {
  Worker& worker = *lanes_[lane];
  try {
    send_message(worker.socket.get(), encode(TaskMessage{index}));
  } catch (const ChannelError& e) {
    // The worker went while idle (the OOM killer, a stray kill): the task
    // never reached it, so it goes to a replacement. Workers that keep dying
    // before their first task would be replaced forever: a few fail the run.
    const pid_t pid = worker.pid;
    const bool fresh = !worker.ran_a_task;
    const int status = retire(lane, true);
    if (fresh && ++lost_before_first_task_ > max_lost_before_first_task) {
      throw std::runtime_error("worker pid " + std::to_string(pid) + " was gone before its first task (" +
                               describe_wait_status(status) + "): " + e.what() + "; " +
                               std::to_string(lost_before_first_task_) + " workers lost that way, giving up");
    }
    replace(lane);
    return false;
  }
  worker.task = index;
  worker.dispatched_ns = steady_ns();
  worker.ran_a_task = true;
  return true;
}

void Pool::collect(unsigned lane) {
  Worker& worker = *lanes_[lane];
  std::string malformed;  // why the worker's message is unusable
  try {
    const Received received = receive_message(worker.socket.get(), max_result_bytes);
    if (!received.eof) {
      concur::TaskReport report = decode_result(received.bytes);
      if (report.index != *worker.task) {
        throw WireError("a result for task " + std::to_string(report.index) + " while it ran task " +
                        std::to_string(*worker.task));
      }
      report.worker = lane;  // the lane, whatever the worker says
      batch_.record(report);
      ++finished_;
      worker.task.reset();
      return;
    }
  } catch (const ChannelError&) {
    // A broken socket (a reset, a message cut off by the worker's death)
    // means the same as end-of-file: the worker is gone or going.
  } catch (const WireError& e) {
    malformed = e.what();
  }
  if (malformed.empty()) {
    fail_task(lane, Failure::died);
  } else {
    fail_task(lane, Failure::malformed, malformed);
  }
}

void Pool::fail_task(unsigned lane, Failure failure, const std::string& detail) {
  const std::size_t index = *lanes_[lane]->task;
  const std::int64_t dispatched = lanes_[lane]->dispatched_ns;
  const pid_t pid = lanes_[lane]->pid;
  // Killed even when its socket already closed: then the worker is exiting
  // anyway (a signal cannot change its status any more), and if it had only
  // closed the socket, reaping it must not wait forever.
  const int status = retire(lane, true);

  concur::TaskReport report;
  report.index = index;
  report.worker = lane;
  report.start_ns = dispatched;  // what the worker measured is lost with it
  report.end_ns = steady_ns();
  switch (failure) {
    case Failure::died: report.outcome = concur::Outcome::error(worker_died_message(pid, status)); break;
    case Failure::timed_out: report.outcome = concur::Outcome::error(timeout_message(task_timeout_, pid)); break;
    case Failure::malformed:
      report.outcome = concur::Outcome::error("worker pid " + std::to_string(pid) + " sent a malformed result (" +
                                              detail + "); worker killed");
      break;
  }
  batch_.record(report);
  ++finished_;
  replace(lane);
}

int Pool::retire(unsigned lane, bool kill) {
  Worker worker = std::move(*lanes_[lane]);
  lanes_[lane].reset();
  worker.socket.reset();
  if (kill) ::kill(worker.pid, SIGKILL);
  // If reaping fails the server is lost or refuses: the worker is its child,
  // not ours, and dies with it (PR_SET_PDEATHSIG); the exception fails the run.
  const ReapedWorker reaped = server_.reap(worker.pid);
  figures_.worker_cpu_seconds += reaped.cpu_seconds;
  return reaped.status;
}

void Pool::replace(unsigned lane) {
  if (next_ >= batch_.size()) return;  // nothing left for a new worker to do
  spawn(lane);
  ++figures_.replaced;
}

std::optional<std::chrono::nanoseconds> Pool::until_next_deadline() const {
  if (task_timeout_.count() <= 0) return std::nullopt;
  std::optional<std::int64_t> earliest;
  for (const std::optional<Worker>& worker : lanes_) {
    if (!worker || !worker->task) continue;
    const std::int64_t deadline = worker->dispatched_ns + task_timeout_.count();
    if (!earliest || deadline < *earliest) earliest = deadline;
  }
  if (!earliest) return std::nullopt;
  return std::chrono::nanoseconds(std::max<std::int64_t>(0, *earliest - steady_ns()));
}

}  // namespace concur_fork
