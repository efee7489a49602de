// The uring strategy: a single-threaded io_uring event loop running task coroutines on the caller's thread.
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "batch_runner.hpp"
#include "concur/concur.hpp"
#include "engine.hpp"
#include "engine_config.hpp"
#include "probe.hpp"

namespace {

class Uring final : public concur::Strategy {
 public:
  // Probed once, when the plugin is loaded: `concur list` shows the answer and
  // start() refuses with it (pitfall 8: never fall back to another mechanism).
  Uring() : availability_(concur_uring::probe_io_uring()) {}

  std::string_view name() const noexcept override { return "uring"; }
  std::string_view version() const noexcept override { return "2.1.0"; }
  std::string_view description() const noexcept override {
    return "One thread runs every task as a coroutine on an io_uring event loop (liburing), at most `workers` in "
           "flight: sleeps are IORING_OP_TIMEOUTs, CPU work goes to offload_threads helper threads (default: online "
           "cores) and comes back through an eventfd, HTTP GETs are libcurl transfers on one multi handle driven "
           "from the ring (a one-shot poll per socket, curl's timer as a timeout). start() sets up the ring, the "
           "helper threads and the multi handle; batches reuse them, and its kept-alive connections";
  }
  concur::Availability availability() const noexcept override { return availability_; }
  std::span<const concur::Option> options() const noexcept override { return concur_uring::engine_options(); }

  // Sets up the engine: the ring (a refusal is explained as the probe explains
  // it), the event loop, the helper threads, the Io.
  concur::RunReport start(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    stop();  // the harness always stops first; a second start() starts afresh all the same
    return concur::guarded_run([&] {
      if (!availability_.available) return concur::failed_run("io_uring is unavailable: " + availability_.reason);
      engine_ = std::make_unique<concur_uring::Engine>(concur_uring::engine_config(options, batch.size()));
      concur::RunReport report;
      report.counters = engine_->counters();
      return report;
    });
  }

  // One batch on the engine. A failed batch shuts the engine down (helper
  // threads joined, requests cancelled and drained, unfinished tasks
  // destroyed) before the report leaves; run() then refuses until start().
  concur::RunReport run(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    if (!engine_) return concur::guarded_run([&] { return concur::failed_run(not_started()); });
    concur::RunReport report = concur::guarded_run([&] {
      concur_uring::BatchRunner runner(*engine_, batch, options.workers);
      runner.run();
      concur::RunReport done;
      done.counters = runner.counters();
      return done;
    });
    if (!report.ok) give_up(report.error);
    return report;
  }

  concur::RunReport stop() noexcept override {
    engine_.reset();
    failed_batch_ = false;
    failed_why_.clear();
    return {};
  }

 private:
  // Why run() cannot run a batch now.
  std::string not_started() const {
    if (!failed_batch_) return "run() without a successful start()";
    return "run() after a failed batch: the uring engine was shut down when it failed (" +
           (failed_why_.empty() ? std::string("reason lost") : failed_why_) + "); start() again";
  }

  // A failed batch leaves the engine shut down: release it, keep why.
  void give_up(const std::string& why) noexcept {
    engine_.reset();
    failed_batch_ = true;
    try {
      failed_why_ = why;
    } catch (...) {  // out of memory: still refuse, without the reason
      failed_why_.clear();
    }
  }

  const concur::Availability availability_;
  std::unique_ptr<concur_uring::Engine> engine_;
  bool failed_batch_ = false;  // the last batch failed; until the next start()
  std::string failed_why_;     // why
};

}  // namespace

CONCUR_PLUGIN(Uring)
