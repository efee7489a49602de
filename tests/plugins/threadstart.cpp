// A well-behaved strategy whose constructor starts a thread that lives as long as it does: loaded from --plugin-dir, it must not keep fork from starting its server.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "concur/concur.hpp"

namespace {

class ThreadStart final : public concur::Strategy {
 public:
  ThreadStart()
      : helper_([this] {
          std::unique_lock lock(mutex_);
          done_.wait(lock, [this] { return stopping_; });
        }) {}
  ~ThreadStart() override {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    done_.notify_one();
  }

  std::string_view name() const noexcept override { return "threadstart"; }
  std::string_view version() const noexcept override { return "0.0.1"; }
  std::string_view description() const noexcept override { return "test plugin: starts a thread when created"; }
  unsigned max_workers() const noexcept override { return 1; }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    return concur::guarded_run([&] {
      const std::vector<std::unique_ptr<concur::Io>> ios = concur::blocking_ios(batch, 1);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (std::string why = concur::run_to_end(batch, i, *ios.front(), 0, name()); !why.empty()) {
          return concur::failed_run(why);
        }
      }
      return concur::RunReport{};
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  bool stopping_ = false;
  std::jthread helper_;  // last: started after, and joined before, what it uses
};

}  // namespace

CONCUR_PLUGIN(ThreadStart)
