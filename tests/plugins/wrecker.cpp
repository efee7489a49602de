// Strategies that fail badly in their workers: 3 case (crash, hang, throw, a thread that throws, desert the batch), or on the way out (linger), for the supervisor's tests; every other case runs correctly.
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

#include "concur/concur.hpp"

#ifndef WRECKER_NAME
#error "build with -DWRECKER_NAME=\"crasher\" (or hanger, thrower, threadthrower, deserter, lingerer)"
#endif

namespace {

constexpr std::string_view wrecker = WRECKER_NAME;

void run_tasks(concur::Batch& batch) {
  const std::unique_ptr<concur::Io> io = batch.blocking_io();
  for (std::size_t i = 0; i < batch.size(); ++i) batch.task(i, *io, 0).start();
}

class Wrecker final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return wrecker; }
  std::string_view version() const noexcept override { return "0.0.1"; }
  std::string_view description() const noexcept override { return "test plugin: fails badly at workers: 3"; }
  ~Wrecker() override {
    // Every case runs correctly; the process that ran them never exits.
    if (wrecker == "lingerer") std::this_thread::sleep_for(std::chrono::hours(1));
  }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    if (options.workers != 3 || wrecker == "lingerer") {
      run_tasks(batch);
      return {};
    }
    if (wrecker == "crasher") std::raise(SIGSEGV);
    if (wrecker == "hanger") std::this_thread::sleep_for(std::chrono::hours(1));
    if (wrecker == "thrower") throw std::runtime_error("thrown out of run()");  // noexcept: std::terminate
    if (wrecker == "threadthrower") {
      std::thread([] { throw std::runtime_error("thrown in a thread the plugin started"); }).join();
    }
    if (wrecker == "deserter") {
      // Returns at once; the tasks run later, on a batch the harness has destroyed.
      std::thread([&batch] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        run_tasks(batch);
      }).detach();
    }
    return {};
  }
};

}  // namespace

CONCUR_PLUGIN(Wrecker)
