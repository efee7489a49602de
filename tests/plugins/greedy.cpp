// A strategy that breaks the workers limit: one thread per task, whatever `workers` says. check-plugin must fail it.
#include <memory>
#include <thread>
#include <vector>

#include "concur/concur.hpp"

namespace {

class Greedy final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "greedy"; }
  std::string_view version() const noexcept override { return "0.0.1"; }
  std::string_view description() const noexcept override { return "test plugin: starts every task at once"; }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    try {
      std::vector<std::unique_ptr<concur::Io>> ios;
      for (std::size_t i = 0; i < batch.size(); ++i) ios.push_back(batch.blocking_io());
      std::vector<std::jthread> threads;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        threads.emplace_back([&batch, &ios, i] { batch.task(i, *ios[i], static_cast<unsigned>(i)).start(); });
      }
    } catch (const std::exception& e) {
      return {false, e.what(), {}};
    }
    return {};
  }
};

}  // namespace

CONCUR_PLUGIN(Greedy)
