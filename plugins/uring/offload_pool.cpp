// OffloadPool: the helper threads, the eventfd hand-back and its one-shot poll on the ring.
#include "offload_pool.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <stdexcept>
#include <system_error>

namespace concur_uring {

OffloadPool::OffloadPool(EventLoop& loop, unsigned threads)
    : loop_(loop), eventfd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!eventfd_) throw std::system_error(errno, std::system_category(), "eventfd");
  try {
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) {
      threads_.emplace_back([this](std::stop_token stop) { work(stop); });
    }
  } catch (...) {
    stop();  // the destructor does not run for a constructor that throws
    throw;
  }
}

void OffloadPool::submit(concur::Io::Compute& op) {
  // Queued with no thread to take it, the op would never come back.
  if (threads_.empty()) throw std::logic_error("the offload pool is stopped");
  if (!armed_) arm();
  {
    const std::lock_guard lock(mutex_);
    // Room for every op that can be done at once, so a helper thread never
    // allocates (and never fails) while handing one back.
    done_.reserve(outstanding_ + 1);
    queued_.push_back(&op);
  }
  ++outstanding_;
  wake_.notify_one();
}

void OffloadPool::arm() {
  loop_.start(*this, nullptr, [fd = eventfd_.get()](io_uring_sqe& sqe, __kernel_timespec&) {
    io_uring_prep_poll_add(&sqe, fd, POLLIN);
  });
  armed_ = true;
}

void OffloadPool::on_completion(void*, int res, std::uint32_t) {
  armed_ = false;
  if (res < 0) throw std::system_error(-res, std::system_category(), "poll on the offload eventfd");
  // Reset the counter before taking the list: an op finished after this read
  // bumps the eventfd again, so the re-armed poll fires for it. A spurious
  // wake-up (nothing to read, EAGAIN) is harmless.
  std::uint64_t count = 0;
  while (::read(eventfd_.get(), &count, sizeof count) < 0 && errno == EINTR) {
  }
  {
    const std::lock_guard lock(mutex_);
    taken_.assign(done_.begin(), done_.end());
    done_.clear();  // keeps the capacity submit() reserved
  }
  for (concur::Io::Compute* op : taken_) {
    --outstanding_;
    loop_.schedule(op->waiter);
  }
  taken_.clear();
  if (outstanding_ > 0) arm();
}

void OffloadPool::work(std::stop_token stop) noexcept {
  for (;;) {
    concur::Io::Compute* op = nullptr;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, stop, [this] { return !queued_.empty(); });
      if (stop.stop_requested()) return;
      op = queued_.front();
      queued_.pop_front();
    }
    try {
      op->work();
    } catch (...) {
      op->failure = std::current_exception();
    }
    {
      const std::lock_guard lock(mutex_);
      done_.push_back(op);  // within the capacity submit() reserved
    }
    const std::uint64_t one = 1;
    while (::write(eventfd_.get(), &one, sizeof one) < 0 && errno == EINTR) {
    }
  }
}

void OffloadPool::stop() noexcept {
  {
    const std::lock_guard lock(mutex_);
    queued_.clear();  // never started: their tasks are destroyed, not resumed
  }
  for (std::jthread& thread : threads_) thread.request_stop();  // wakes waiting threads
  threads_.clear();                                             // joins
  const std::lock_guard lock(mutex_);
  done_.clear();
}

}  // namespace concur_uring
