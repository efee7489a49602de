// Pool: spawning workers and waiting for them to be ready, a poll() loop handing out indexes, dead or overdue workers turned into error outcomes.
#include "pool.hpp"

#include <poll.h>

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

// Workers found gone when handed a task (the OOM killer, a stray kill) are
// replaced; a run that keeps losing them gives up.
constexpr unsigned max_lost_idle = 3;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Pool::Pool(ForkServer& server, std::string description, unsigned lanes, std::chrono::nanoseconds task_timeout)
    : server_(server), description_(std::move(description)), task_timeout_(task_timeout), lanes_(lanes) {}

Pool::~Pool() {
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
    if (!lanes_[lane]) continue;
    try {
      retire(lane, true);
    } catch (...) {
      // The server is gone; its workers die with it (PR_SET_PDEATHSIG) and
      // are no children of this process, so none is left as our zombie.
    }
  }
}

PoolFigures Pool::start() {
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) spawn(lane);
  while (std::any_of(lanes_.begin(), lanes_.end(), [](const auto& w) { return w && w->state == State::starting; })) {
    wait_and_handle();
  }
  return take_figures();
}

PoolFigures Pool::run(concur::Batch& batch) {
  if (batch.description() != description_) throw std::logic_error("run() with another batch than start() had");
  batch_ = &batch;
  finished_ = 0;
  lost_idle_ = 0;
  const std::size_t size = batch.size();
  std::size_t next = 0;
  while (finished_ < size) {
    for (unsigned lane = 0; lane < lanes_.size() && next < size; ++lane) {
      if (lanes_[lane] && lanes_[lane]->state == State::idle && dispatch(lane, next)) ++next;
    }
    wait_and_handle();
  }
  batch_ = nullptr;
  return take_figures();
}

PoolFigures Pool::stop() {
  // Closing every socket first lets idle workers exit at once, all together.
  for (std::optional<Worker>& worker : lanes_) {
    if (worker) worker->socket.reset();
  }
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
    if (lanes_[lane]) retire(lane, true);
  }
  return take_figures();
}

void Pool::spawn(unsigned lane) {
  SpawnedWorker spawned = server_.spawn(description_, lane);
  Worker worker;
  worker.pid = spawned.pid;
  worker.socket = std::move(spawned.socket);
  lanes_[lane] = std::move(worker);
}

void Pool::wait_and_handle() {
  std::vector<pollfd> polled;
  std::vector<unsigned> polled_lanes;
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
    if (!lanes_[lane] || lanes_[lane]->state == State::idle) continue;
    polled.push_back({lanes_[lane]->socket.get(), POLLIN, 0});
    polled_lanes.push_back(lane);
  }
  if (polled.empty()) throw std::logic_error("fork pool: waiting, but no worker is starting or running a task");
  timespec wait{};
  const std::optional<std::chrono::nanoseconds> until = until_next_deadline();
  if (until) {
    wait.tv_sec = static_cast<time_t>(until->count() / 1'000'000'000);
    wait.tv_nsec = static_cast<long>(until->count() % 1'000'000'000);
  }
  if (::ppoll(polled.data(), polled.size(), until ? &wait : nullptr, nullptr) < 0) {
    if (errno == EINTR) return;
    throw std::system_error(errno, std::generic_category(), "poll on the worker sockets");
  }
  for (std::size_t i = 0; i < polled.size(); ++i) {
    // POLLHUP and POLLERR need no asking; a message sent just before the
    // worker went is still read first.
    if (polled[i].revents != 0) handle(polled_lanes[i]);
  }
  if (task_timeout_.count() > 0) {
    const std::int64_t now = steady_ns();
    for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
      const std::optional<Worker>& w = lanes_[lane];
      if (w && w->state == State::busy && now - w->dispatched_ns >= task_timeout_.count()) {
        fail_task(lane, Failure::timed_out);
      }
    }
  }
}

void Pool::handle(unsigned lane) {
  Worker& worker = *lanes_[lane];
  std::string malformed;  // why the worker's message is unusable
  try {
    const Received received = receive_message(worker.socket.get(), max_worker_message_bytes);
    if (!received.eof) {
      const WorkerMessage message = decode_worker_message(received.bytes);
      if (const auto* failed = std::get_if<FailedMessage>(&message)) {
        throw std::runtime_error("worker pid " + std::to_string(worker.pid) + ": " + failed->message);
      }
      if (const auto* ready = std::get_if<ReadyMessage>(&message); ready && worker.state == State::starting) {
        count_cpu(worker, ready->cpu_ns);
        worker.state = State::idle;
        return;
      }
      const auto* result = std::get_if<ResultMessage>(&message);
      if (!result || worker.state != State::busy) throw WireError("a message out of turn");
      if (result->index != worker.task) {
        throw WireError("a result for task " + std::to_string(result->index) + " while it ran task " +
                        std::to_string(worker.task));
      }
      count_cpu(worker, result->cpu_ns);
      batch_->record(result->record);
      ++finished_;
      worker.state = State::idle;
      return;
    }
  } catch (const ChannelError&) {
    // A broken socket (a reset, a message cut off by the worker's death)
    // means the same as end-of-file: the worker is gone or going.
  } catch (const WireError& e) {
    malformed = e.what();
  }
  if (worker.state != State::busy) {
    const pid_t pid = worker.pid;
    const int status = retire(lane, true);
    throw std::runtime_error("worker pid " + std::to_string(pid) + " " +
                             (malformed.empty() ? "died while starting: " + describe_wait_status(status)
                                                : "sent a malformed message: " + malformed));
  }
  if (malformed.empty()) {
    fail_task(lane, Failure::died);
  } else {
    fail_task(lane, Failure::malformed, malformed);
  }
}

bool Pool::dispatch(unsigned lane, std::size_t index) {
  Worker& worker = *lanes_[lane];
  try {
    send_message(worker.socket.get(), encode(TaskMessage{index}));
  } catch (const ChannelError& e) {
    // The worker went while idle: the task never reached it, so it goes to a
    // replacement. Workers that keep going would be replaced forever.
    const pid_t pid = worker.pid;
    const int status = retire(lane, true);
    if (++lost_idle_ > max_lost_idle) {
      throw std::runtime_error("worker pid " + std::to_string(pid) + " was gone when handed a task (" +
                               describe_wait_status(status) + "): " + e.what() + "; " + std::to_string(lost_idle_) +
                               " workers lost that way in this run, giving up");
    }
    spawn(lane);
    ++figures_.replaced;
    return false;
  }
  worker.state = State::busy;
  worker.task = index;
  worker.dispatched_ns = steady_ns();
  return true;
}

void Pool::fail_task(unsigned lane, Failure failure, const std::string& detail) {
  const std::size_t index = lanes_[lane]->task;
  const std::int64_t dispatched = lanes_[lane]->dispatched_ns;
  const pid_t pid = lanes_[lane]->pid;
  // Killed even when its socket already closed: then the worker is exiting
  // anyway (a signal cannot change its status any more), and if it had only
  // closed the socket, reaping it must not wait forever.
  const int status = retire(lane, true);
  std::string why;
  switch (failure) {
    case Failure::died: why = worker_died_message(pid, status); break;
    case Failure::timed_out: why = timeout_message(task_timeout_, pid); break;
    case Failure::malformed: why = "worker pid " + std::to_string(pid) + " sent a malformed result (" + detail + "); worker killed"; break;
  }
  batch_->fail(index, lane, dispatched, why);
  ++finished_;
  // The pool keeps its size for this batch's remaining tasks and the next batches.
  spawn(lane);
  ++figures_.replaced;
}

int Pool::retire(unsigned lane, bool kill) {
  Worker worker = std::move(*lanes_[lane]);
  lanes_[lane].reset();
  worker.socket.reset();
  // If reaping fails the server is lost or refuses: the worker is its child,
  // not ours, and dies with it (PR_SET_PDEATHSIG); the exception fails the run.
  const ReapedWorker reaped = server_.reap(worker.pid, kill);
  count_cpu(worker, static_cast<std::int64_t>(reaped.cpu_seconds * 1e9));
  return reaped.status;
}

void Pool::count_cpu(Worker& worker, std::int64_t cpu_ns) noexcept {
  if (cpu_ns > worker.cpu_seen_ns) {
    worker_cpu_ns_ += cpu_ns - worker.cpu_seen_ns;
    worker.cpu_seen_ns = cpu_ns;
  }
}

PoolFigures Pool::take_figures() {
  PoolFigures figures = figures_;
  figures.external_cpu_seconds = static_cast<double>(worker_cpu_ns_) / 1e9 + server_.take_cpu_seconds();
  figures_ = {};
  worker_cpu_ns_ = 0;
  return figures;
}

std::optional<std::chrono::nanoseconds> Pool::until_next_deadline() const {
  if (task_timeout_.count() <= 0) return std::nullopt;
  std::optional<std::int64_t> earliest;
  for (const std::optional<Worker>& worker : lanes_) {
    if (!worker || worker->state != State::busy) continue;
    const std::int64_t deadline = worker->dispatched_ns + task_timeout_.count();
    if (!earliest || deadline < *earliest) earliest = deadline;
  }
  if (!earliest) return std::nullopt;
  return std::chrono::nanoseconds(std::max<std::int64_t>(0, *earliest - steady_ns()));
}

}  // namespace concur_fork
