// Engine: set-up in dependency order, settling and the idle check between batches, and the orderly shutdown after a failure.
#include "engine.hpp"

#include <chrono>

namespace concur_uring {

Engine::Engine(const EngineConfig& config)
    : ring_(ring_shape(config.lanes, config.ring_entries), config.submit),
      loop_(ring_),
      pool_(loop_, config.offload_threads),
      http_(loop_, config.lanes),
      io_(loop_, pool_, http_),
      offload_threads_(pool_.threads()) {}

void Engine::settle() {
  http_.go_idle();
  // Polls curl stopped wanting and timer requests it moved were cancelled
  // during the batch; the answers to the last of them may still be due.
  if (loop_.live() == 0 && loop_.in_kernel() > 0) loop_.drain(std::chrono::seconds(2));
}

std::string Engine::leftovers() const {
  if (shut_down_) return "the engine was shut down";
  std::string left;
  const auto note = [&left](const std::string& what) { left += (left.empty() ? "" : ", ") + what; };
  if (loop_.in_kernel() > 0) note(std::to_string(loop_.in_kernel()) + " request(s) in the kernel");
  if (io_.outstanding() > 0) note(std::to_string(io_.outstanding()) + " Io operation(s) outstanding");
  if (loop_.has_ready()) note("coroutines waiting to be resumed");
  if (loop_.has_deferred()) note("calls deferred to the next turn");
  if (const std::string http = http_.leftovers(); !http.empty()) note(http);
  if (loop_.failure()) note("a failure recorded");
  return left;
}

void Engine::shut_down() noexcept {
  if (shut_down_) return;
  shut_down_ = true;
  pool_.stop();     // no helper thread touches an op from here on
  http_.abandon();  // nor does libcurl
  try {
    loop_.cancel_all();
  } catch (...) {  // the ring broke: nothing more can be asked of it
  }
  // Bounded: cancelling timeouts and polls is immediate; if the kernel does not
  // answer, destroying the ring cancels the rest, and none of our requests
  // lets the kernel write into memory a task owns.
  loop_.drain(std::chrono::seconds(2));
  loop_.forget_ready();
}

std::map<std::string, double> Engine::counters() const {
  return {
      {"offload_threads", static_cast<double>(offload_threads_)},
      {"ring_entries", static_cast<double>(ring_.sq_entries())},
  };
}

}  // namespace concur_uring
