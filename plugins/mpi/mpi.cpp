// The mpi strategy: worker ranks of an Open MPI job, started by mpirun, fed one task at a time by rank 0.
//
// Why rank 0 and the pipes. concur is no MPI process (MPI_Init in concur
// would start Open MPI's threads and daemons inside the harness), so the
// plugin starts `mpirun` with `workers + 1` copies of concur-mpi-rank, which
// sits beside this plugin. Open MPI forwards mpirun's stdin to rank 0 and
// rank 0's stdout back, wherever rank 0 runs: the plugin's messages travel
// that way, and rank 0 hands tasks to the worker ranks over MPI. Only
// indexes and sealed records cross: every rank rebuilds the batch from its
// ticket (Batch::remote_ticket).
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "availability.hpp"
#include "concur/concur.hpp"
#include "pool.hpp"

namespace {

constexpr std::string_view rank_program_name = "concur-mpi-rank";

const std::array<concur::Option, 3> declared{
    concur::Option::text("mpirun", "", "the mpirun to start jobs with, instead of the first on PATH (which availability needs all the same)"),
    concur::Option::text("hostfile", "",
                         "an Open MPI hostfile: ranks on its hosts, in its order (default: this host only, "
                         "oversubscribed)"),
    concur::Option::text("mpirun_args", "", "more mpirun arguments, split at spaces (e.g. \"--mca btl tcp,self\")"),
};
const concur::Option& mpirun_option = declared[0];
const concur::Option& hostfile_option = declared[1];
const concur::Option& mpirun_args_option = declared[2];

// The folder this plugin was loaded from: concur-mpi-rank is installed beside it.
std::string rank_program_path() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<const void*>(&rank_program_path), &info) == 0 || info.dli_fname == nullptr) {
    return std::string(rank_program_name);
  }
  return (std::filesystem::path(info.dli_fname).parent_path() / rank_program_name).string();
}

std::vector<std::string> split_at_spaces(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

class Mpi final : public concur::Strategy {
 public:
  // What can be checked at once is checked when the plugin is created. The
  // trial launch (about 0.4 s) is made only for `concur list`: every process
  // that runs cases creates every plugin, and there a job that cannot start
  // fails its case with mpirun's own words.
  explicit Mpi(const concur::Host& host) : rank_program_(rank_program_path()) {
    try {
      const std::string mpirun = concur_mpi::find_on_path("mpirun");
      if (mpirun.empty()) {
        unavailable_ = "no mpirun on PATH (install Open MPI: apt-get install openmpi-bin libopenmpi-dev)";
      } else if (!concur_mpi::is_executable_file(rank_program_)) {
        unavailable_ = missing_rank_program();
      } else if (!host.will_run()) {
        unavailable_ = concur_mpi::trial_launch(mpirun, rank_program_);
      }
    } catch (const std::exception& e) {
      unavailable_ = std::string("cannot tell whether mpirun works: ") + e.what();
    }
  }

  std::string_view name() const noexcept override { return "mpi"; }
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override {
    return "Worker ranks of an Open MPI job started by mpirun when the pool starts (workers = worker ranks); rank "
           "0 hands each task to whichever rank is free (short tasks a few ahead). Each rank rebuilds the batch and "
           "runs one task at a time with its own blocking Io. A rank that dies ends the job: its task is an error "
           "outcome, a new job runs the rest";
  }

  concur::Availability availability() const noexcept override {
    concur::Availability a;
    a.available = unavailable_.empty();
    try {
      a.reason = unavailable_;
    } catch (...) {
    }
    return a;
  }

  bool isolates_tasks() const noexcept override { return true; }
  std::span<const concur::Option> options() const noexcept override { return declared; }

  concur::RunReport start(concur::Batch& batch, const concur::RunOptions& options) noexcept override {
    return concur::guarded_run([&] {
      concur_mpi::JobSettings settings;
      settings.mpirun = mpirun_option.read_text(options.options);
      if (settings.mpirun.empty()) {
        if (!unavailable_.empty()) return concur::failed_run(unavailable_);
        settings.mpirun = concur_mpi::find_on_path("mpirun");
      } else if (!concur_mpi::is_executable_file(settings.mpirun)) {
        return concur::failed_run("option mpirun: " + settings.mpirun + " is not an executable file");
      } else if (!concur_mpi::is_executable_file(rank_program_)) {
        return concur::failed_run(missing_rank_program());
      }
      std::string ticket = batch.remote_ticket();
      if (ticket.empty()) return concur::failed_run("this batch cannot be rebuilt outside concur (no remote ticket)");
      settings.rank_program = rank_program_;
      settings.hostfile = hostfile_option.read_text(options.options);
      settings.mpirun_args = split_at_spaces(mpirun_args_option.read_text(options.options));
      unsigned workers = options.workers;
      if (workers == 0) workers = static_cast<unsigned>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
      const auto lanes = static_cast<unsigned>(std::clamp<std::size_t>(batch.size(), 1, workers));
      pool_ = std::make_unique<concur_mpi::Pool>(std::move(settings), std::move(ticket), lanes, options.task_timeout);
      return report(pool_->start());
    });
  }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    return concur::guarded_run([&] {
      if (!pool_) return concur::failed_run("run() before start()");
      return report(pool_->run(batch));
    });
  }

  concur::RunReport stop() noexcept override {
    // Released whatever stop() says: the pool's job is ended either way.
    const std::unique_ptr<concur_mpi::Pool> pool = std::move(pool_);
    return concur::guarded_run([&] { return pool ? report(pool->stop()) : concur::RunReport{}; });
  }

 private:
  std::string missing_rank_program() const {
    return "the rank program " + rank_program_ + " is missing; install concur's plugins whole";
  }

  static concur::RunReport report(const concur_mpi::PoolFigures& figures) {
    concur::RunReport r;
    r.external_cpu_seconds = figures.external_cpu_seconds;
    if (figures.jobs_restarted > 0) r.counters["jobs_restarted"] = figures.jobs_restarted;
    return r;
  }

  const std::string rank_program_;
  std::string unavailable_;  // why the strategy cannot run here; empty when it can
  std::unique_ptr<concur_mpi::Pool> pool_;  // from start() to stop()
};

}  // namespace

CONCUR_PLUGIN(Mpi)
