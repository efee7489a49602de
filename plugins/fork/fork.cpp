// The fork strategy: a pool of worker processes, forked by a fork server that concur starts before any thread exists.
//
// Why a fork server. fork() copies only the calling thread: locks that other
// threads held at that moment (malloc's, TBB's scheduler, libcurl's resolver
// threads, OpenSSL's, a thread pool's queue) stay locked forever in the child,
// and the first worker to touch them deadlocks. concur loads plugins at
// start-up, before any thread exists, so this plugin's constructor forks the
// server then, from a process that is still single-threaded; the server
// itself never starts a thread, so every worker it forks later is a clean copy
// no matter how many threads concur has by then (TBB workers, curl, the
// threads strategy). No TBB, curl, OpenSSL or thread-pool state, and no held
// lock, can leak into a worker. Workers never reuse the parent's curl handle
// or TBB state either: each makes its own Io after the fork.
//
// Each worker opens its batch itself (Host::open maps the inputs concur
// made, with its pages mapped up front), so the server holds no batch and
// forking from it costs the same whatever ran before.
//
// If the process already has threads when the plugin is created (a host that
// loads plugins late, a second copy), no server is started: the strategy
// reports itself unavailable and says why, rather than fork unsafely. When
// concur only lists plugins (Host::will_run() is false), none is started either.
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "concur/concur.hpp"
#include "fork_server.hpp"
#include "pool.hpp"
#include "process_threads.hpp"

namespace {

constexpr std::string_view threads_present_reason =
    "the fork server must start before any thread exists; load the fork plugin before running other strategies";

class Fork final : public concur::Strategy {
 public:
  explicit Fork(const concur::Host& host) {
    if (!host.will_run()) return;
    try {
      const std::size_t threads = concur_fork::count_threads();
      if (threads != 1) {
        unavailable_ = std::string(threads_present_reason) + " (this process had " + std::to_string(threads) +
                       " threads when the plugin was created)";
        return;
      }
      server_ = std::make_unique<concur_fork::ForkServer>(host);
    } catch (const std::exception& e) {
      unavailable_ = std::string("cannot start the fork server: ") + e.what();
    } catch (...) {
      unavailable_ = "cannot start the fork server: unknown exception";
    }
  }

  std::string_view name() const noexcept override { return "fork"; }
  std::string_view version() const noexcept override { return "2.0.0"; }
  std::string_view description() const noexcept override {
    return "A pool of min(workers, tasks) worker processes forked by a single-threaded fork server when the pool "
           "starts; each maps the batch's inputs and runs one task at a time with its own blocking Io. A crashed "
           "or timed-out task is an error outcome and its worker is replaced (a process pool executor)";
  }

  concur::Availability availability() const noexcept override {
    concur::Availability a;
    if (!unavailable_.empty()) {
      a.available = false;
      try {
        a.reason = unavailable_;
      } catch (...) {
      }
    }
    return a;
  }

  bool isolates_tasks() const noexcept override { return true; }

  concur::RunReport start(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    return concur::guarded_run([&] {
      if (const concur::RunReport refused = refusal(); !refused.ok) return refused;
      unsigned workers = options.workers;
      if (workers == 0) workers = static_cast<unsigned>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
      const auto lanes = static_cast<unsigned>(std::min<std::size_t>(workers, batch.size()));
      pool_ = std::make_unique<concur_fork::Pool>(*server_, batch.description(), lanes, options.task_timeout);
      return cpu_only(pool_->start());
    });
  }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    return concur::guarded_run([&] {
      if (!pool_) return concur::failed_run("run() before start()");
      return report(pool_->run(batch));
    });
  }

  concur::RunReport stop() noexcept override {
    // Released whatever stop() says: the pool's destructor kills and reaps what is left.
    const std::unique_ptr<concur_fork::Pool> pool = std::move(pool_);
    return concur::guarded_run([&] { return pool ? cpu_only(pool->stop()) : concur::RunReport{}; });
  }

 private:
  // Why this strategy cannot run here, as a failed report; an ok one if it can.
  concur::RunReport refusal() const {
    if (!unavailable_.empty()) return concur::failed_run(unavailable_);
    if (!server_) return concur::failed_run("the fork plugin was created only to be listed; it starts no server");
    return {};
  }

  static concur::RunReport cpu_only(const concur_fork::PoolFigures& figures) {
    concur::RunReport report;
    report.external_cpu_seconds = figures.external_cpu_seconds;
    return report;
  }

  // A run also says how many workers it forked to replace lost ones.
  static concur::RunReport report(const concur_fork::PoolFigures& figures) {
    concur::RunReport report = cpu_only(figures);
    report.counters["workers_replaced"] = figures.replaced;
    return report;
  }

  std::string unavailable_;  // why the strategy cannot run; empty when it can
  std::unique_ptr<concur_fork::ForkServer> server_;
  std::unique_ptr<concur_fork::Pool> pool_;  // from start() to stop()
};

}  // namespace

CONCUR_PLUGIN(Fork)
