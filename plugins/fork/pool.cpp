// Pool: spawning workers and waiting for them to be ready, a poll() loop receiving records, dead or overdue workers turned into error outcomes.
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

// Workers found gone when told to go (the OOM killer, a stray kill) are
// replaced; a run that keeps losing them gives up.
constexpr unsigned max_lost_idle = 3;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Pool::Pool(ForkServer& server, std::string description, unsigned lanes, std::chrono::nanoseconds task_timeout)
    : server_(server), description_(std::move(description)), task_timeout_(task_timeout), board_(lanes), lanes_(lanes) {}

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
  while (any(State::starting)) wait_and_handle();
  return take_figures();
}

PoolFigures Pool::run(concur::Batch& batch) {
  if (batch.description() != description_) throw std::logic_error("run() with another batch than start() had");
  const std::size_t size = batch.size();
  batch_ = &batch;
  recorded_.assign(size, false);
  finished_ = 0;
  lost_claims_.clear();
  lost_idle_ = 0;
  board_.next().store(0);
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
    if (lanes_[lane] && lanes_[lane]->state == State::idle) go(lane);
  }
  // Done when every task is recorded and every worker has stopped claiming.
  while (finished_ < size || any(State::working) || any(State::starting)) {
    if (!any(State::working) && !any(State::starting)) {
      fail_lost_claims();
      break;
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

bool Pool::any(State state) const {
  return std::any_of(lanes_.begin(), lanes_.end(), [state](const auto& w) { return w && w->state == state; });
}

void Pool::spawn(unsigned lane) {
  SpawnedWorker spawned = server_.spawn(description_, lane, static_cast<unsigned>(lanes_.size()), board_.fd());
  Worker worker;
  worker.pid = spawned.pid;
  worker.socket = std::move(spawned.socket);
  lanes_[lane] = std::move(worker);
}

bool Pool::go(unsigned lane) {
  Worker& worker = *lanes_[lane];
  try {
    send_message(worker.socket.get(), encode(GoMessage{}));
  } catch (const ChannelError& e) {
    // The worker went while idle: it claimed nothing, so its replacement
    // joins the batch instead. Workers that keep going would be replaced forever.
    const pid_t pid = worker.pid;
    const int status = retire(lane, true);
    if (++lost_idle_ > max_lost_idle) {
      throw std::runtime_error("worker pid " + std::to_string(pid) + " was gone when told to go (" +
                               describe_wait_status(status) + "): " + e.what() + "; " + std::to_string(lost_idle_) +
                               " workers lost that way in this run, giving up");
    }
    spawn(lane);
    ++figures_.replaced;
    return false;
  }
  worker.state = State::working;
  return true;
}

void Pool::wait_and_handle() {
  std::vector<pollfd> polled;
  std::vector<unsigned> polled_lanes;
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
    if (!lanes_[lane] || lanes_[lane]->state == State::idle) continue;
    polled.push_back({lanes_[lane]->socket.get(), POLLIN, 0});
    polled_lanes.push_back(lane);
  }
  if (polled.empty()) throw std::logic_error("fork pool: waiting, but no worker is starting or working");
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
    // POLLHUP and POLLERR need no asking; messages sent just before the
    // worker went are still read first, one per wake-up.
    if (polled[i].revents != 0) handle(polled_lanes[i]);
  }
  if (task_timeout_.count() > 0) {
    const std::int64_t now = steady_ns();
    for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
      if (!lanes_[lane] || lanes_[lane]->state != State::working) continue;
      const LaneSlot& slot = board_.lane(lane);
      if (slot.running.load() != 0 && now - slot.started_ns.load() >= task_timeout_.count()) {
        lose(lane, Failure::timed_out);
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
      if (const auto* result = std::get_if<ResultMessage>(&message); result && worker.state == State::working) {
        return take(worker, *result);
      }
      if (const auto* failed = std::get_if<FailedMessage>(&message)) {
        throw std::runtime_error("worker pid " + std::to_string(worker.pid) + ": " + failed->message);
      }
      if (const auto* ready = std::get_if<ReadyMessage>(&message); ready && worker.state == State::starting) {
        count_cpu(worker, ready->cpu_ns);
        worker.state = State::idle;
        // A replacement joins a batch that still has tasks to claim.
        if (batch_ && board_.next().load() < recorded_.size()) go(lane);
        return;
      }
      if (const auto* idle = std::get_if<IdleMessage>(&message); idle && worker.state == State::working) {
        count_cpu(worker, idle->cpu_ns);
        worker.state = State::idle;
        return;
      }
      throw WireError("a message out of turn");
    }
  } catch (const ChannelError&) {
    // A broken socket (a reset, a message cut off by the worker's death)
    // means the same as end-of-file: the worker is gone or going.
  } catch (const WireError& e) {
    malformed = e.what();
  }
  const pid_t pid = worker.pid;
  if (worker.state == State::starting || !malformed.empty()) {
    const int status = retire(lane, true);
    throw std::runtime_error("worker pid " + std::to_string(pid) + " " +
                             (malformed.empty() ? "died while starting: " + describe_wait_status(status)
                                                : "sent a malformed message: " + malformed));
  }
  lose(lane, Failure::died);
}

void Pool::take(Worker& worker, const ResultMessage& result) {
  if (result.index >= recorded_.size()) {
    throw WireError("a result for task " + std::to_string(result.index) + " of a batch of " +
                    std::to_string(recorded_.size()));
  }
  count_cpu(worker, result.cpu_ns);
  batch_->record(result.record);  // a second record of one index is the batch's to count
  if (!recorded_[result.index]) {
    recorded_[result.index] = true;
    ++finished_;
  }
}

void Pool::take_waiting_results(unsigned lane) {
  Worker& worker = *lanes_[lane];
  try {
    for (;;) {
      pollfd ready{worker.socket.get(), POLLIN, 0};
      if (::poll(&ready, 1, 0) <= 0 || (ready.revents & POLLIN) == 0) return;
      const Received received = receive_message(worker.socket.get(), max_worker_message_bytes);
      if (received.eof) return;
      const WorkerMessage message = decode_worker_message(received.bytes);
      if (const auto* result = std::get_if<ResultMessage>(&message)) take(worker, *result);
    }
  } catch (const ChannelError&) {
  } catch (const WireError&) {
    // What is left of a dying worker's socket: its running task is lost either way.
  }
}

void Pool::lose(unsigned lane, Failure failure) {
  // Results it sent before it was found overdue are still its tasks' records.
  take_waiting_results(lane);
  LaneSlot& slot = board_.lane(lane);
  const pid_t pid = lanes_[lane]->pid;
  // Killed even when its socket already closed: then the worker is exiting
  // anyway (a signal cannot change its status any more), and if it had only
  // closed the socket, reaping it must not wait forever. Once it is reaped,
  // its slot holds its last word.
  const int status = retire(lane, true);
  const std::uint64_t running = slot.running.exchange(0);
  const std::int64_t started = slot.started_ns.load();
  if (slot.claiming.exchange(0) != 0) lost_claims_.push_back(pid);
  if (running != 0 && running - 1 < recorded_.size() && !recorded_[running - 1]) {
    const std::size_t index = running - 1;
    recorded_[index] = true;
    ++finished_;
    batch_->fail(index, lane,
                 started, failure == Failure::timed_out ? timeout_message(task_timeout_, pid) : worker_died_message(pid, status));
  }
  // The pool keeps its size for this batch's remaining tasks and the next batches.
  spawn(lane);
  ++figures_.replaced;
}

void Pool::fail_lost_claims() {
  std::size_t next_pid = 0;
  for (std::size_t index = 0; index < recorded_.size(); ++index) {
    if (recorded_[index]) continue;
    const std::string who = next_pid < lost_claims_.size() ? "worker pid " + std::to_string(lost_claims_[next_pid++])
                                                           : "a worker";
    recorded_[index] = true;
    ++finished_;
    batch_->fail(index, 0, steady_ns(), who + " died between claiming this task and starting it");
  }
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
  for (unsigned lane = 0; lane < lanes_.size(); ++lane) {
    if (!lanes_[lane] || lanes_[lane]->state != State::working) continue;
    // A worker between tasks has no deadline; the poll wakes with its next record.
    const LaneSlot& slot = board_.lane(lane);
    if (slot.running.load() == 0) continue;
    const std::int64_t deadline = slot.started_ns.load() + task_timeout_.count();
    if (!earliest || deadline < *earliest) earliest = deadline;
  }
  if (!earliest) return std::nullopt;
  return std::chrono::nanoseconds(std::max<std::int64_t>(0, *earliest - steady_ns()));
}

}  // namespace concur_fork
