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
// The server also builds each batch's inputs, untimed (prepare()), so
// workers forked from it share them copy-on-write instead of receiving them.
//
// If the process already has threads when the plugin is created (a host that
// loads plugins late, a second copy), no server is started: the strategy
// reports itself unavailable and says why, rather than fork unsafely.
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
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override {
    return "A pool of min(workers, tasks) worker processes forked by a single-threaded fork server; each runs one "
           "task at a time with its own blocking Io. A crashed or timed-out task is an error outcome and its "
           "worker is replaced (a process pool executor, spawn time included)";
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

  // Builds the batch's inputs in the server, outside the timed runs.
  concur::RunReport prepare(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    if (!unavailable_.empty()) return concur::failed_run(unavailable_);
    try {
      server_->prepare(batch.description());
      return {};
    } catch (const std::exception& e) {
      return concur::failed_run(std::string("prepare: ") + e.what());
    } catch (...) {
      return concur::failed_run("prepare: unknown exception");
    }
  }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    if (!unavailable_.empty()) return concur::failed_run(unavailable_);
    return concur::guarded_run([&] {
      unsigned workers = options.workers;
      if (workers == 0) workers = static_cast<unsigned>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
      concur_fork::Pool pool(*server_, batch, options.task_timeout);
      const concur_fork::PoolFigures figures = pool.run(workers);

      concur::RunReport report;
      report.external_cpu_seconds = figures.worker_cpu_seconds;
      report.counters["pool_startup_seconds"] = figures.startup_seconds;
      report.counters["workers_spawned"] = figures.spawned;
      report.counters["workers_replaced"] = figures.replaced;
      return report;
    });
  }


 private:

  std::string unavailable_;  // why the strategy cannot run; empty when it can
  std::unique_ptr<concur_fork::ForkServer> server_;
};

}  // namespace

CONCUR_PLUGIN(Fork)
