// Backoff: waiting for a message without spinning a core, yet answering fast when it comes soon.
#pragma once

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <chrono>

namespace concur_mpi {

// Open MPI's receives spin. A rank that waits that way takes a core from the
// tasks (there are more ranks than cores on one host), and its CPU time would
// count as the strategy's. So a waiting rank polls: at once for the first
// 50 us, then sleeping a sixteenth of the time waited so far, at most 1 ms:
// a message is seen within about 6% of the wait, plus one poll.
class Backoff {
 public:
  Backoff() noexcept { reset(); }
  void reset() noexcept { since_ = std::chrono::steady_clock::now(); }
  void pause() noexcept {
    using namespace std::chrono_literals;
    const auto waited = std::chrono::steady_clock::now() - since_;
    if (waited < 50us) {
      ::sched_yield();
      return;
    }
    const auto nap = std::min<std::chrono::nanoseconds>(waited / 16, 1ms);
    const timespec t{0, static_cast<long>(nap.count())};
    ::nanosleep(&t, nullptr);
  }

 private:
  std::chrono::steady_clock::time_point since_;
};

}  // namespace concur_mpi
