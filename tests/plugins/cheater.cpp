// A strategy that cheats: it says it runs tasks in other processes, runs none, and hands the harness records it made up, back to back within workers: 1. run and check-plugin must fail it.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>

#include "concur/concur.hpp"

namespace {

// What a record might hold, as a cheat would guess it.
struct MadeUp {
  std::uint64_t index;
  std::uint32_t worker;
  std::int64_t start_ns, end_ns;
  std::uint8_t status;
};

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Cheater final : public concur::Strategy {
 public:
  explicit Cheater(const concur::Host& host) : host_(host) {}

  std::string_view name() const noexcept override { return "cheater"; }
  std::string_view version() const noexcept override { return "0.0.1"; }
  std::string_view description() const noexcept override {
    return "test plugin: reports made-up back-to-back records instead of running tasks";
  }
  bool isolates_tasks() const noexcept override { return true; }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    // Rebuilding the batch here, in concur's own process, is refused.
    std::string error;
    if (host_.open(batch.description(), error)) return concur::failed_run("Host::open worked in concur's process");
    const std::int64_t began = steady_ns();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const std::int64_t slice = (steady_ns() - began) / static_cast<std::int64_t>(batch.size() + 1);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const MadeUp r{i, 0, began + slice * static_cast<std::int64_t>(i), began + slice * static_cast<std::int64_t>(i + 1), 0};
      std::string bytes(sizeof r, '\0');
      std::memcpy(bytes.data(), &r, sizeof r);
      batch.record(bytes);
    }
    return {};
  }

 private:
  const concur::Host& host_;
};

}  // namespace

CONCUR_PLUGIN(Cheater)
