#include "job.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "common/ending_text.hpp"
#include "host_facts.hpp"
#include "limits.hpp"
#include "mpirun_report.hpp"

namespace concur_mpi {
namespace {

using concur_plugins::describe_wait_status;

int poll_timeout_ms(std::optional<std::chrono::steady_clock::time_point> deadline) {
  if (!deadline) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

}  // namespace

std::vector<std::string> mpirun_command(const JobSettings& settings, unsigned lanes) {
  std::vector<std::string> argv{settings.mpirun};
  // Open MPI refuses to start as root unless told it may; CI jobs and
  // containers run as root, so concur says it for them.
  if (::geteuid() == 0) argv.push_back("--allow-run-as-root");
  if (settings.hostfile.empty()) {
    argv.push_back("--oversubscribe");  // more ranks than cores is the user's choice, as with fork
  } else {
    argv.insert(argv.end(), {"--hostfile", settings.hostfile});
  }
  // Ranks float over the cores like fork's workers rather than each pinned to one.
  argv.insert(argv.end(), {"--bind-to", "none", "-n", std::to_string(lanes + 1)});
  argv.insert(argv.end(), settings.mpirun_args.begin(), settings.mpirun_args.end());
  argv.push_back(settings.rank_program);
  return argv;
}

Job::Job(const JobSettings& settings, const std::string& ticket, unsigned lanes)
    : mpirun_(mpirun_command(settings, lanes)), from_rank0_(max_message_bytes) {
  try {
    send(OpenMessage{ticket, boot_id(), 0});
    const auto deadline = std::chrono::steady_clock::now() + start_limit;
    for (;;) {
      std::optional<Message> m = next(deadline);
      if (!m) {
        throw std::runtime_error("the MPI job did not start within " + std::to_string(start_limit.count()) + "s");
      }
      if (auto* ready = std::get_if<ReadyMessage>(&*m)) {
        if (ready->ranks.size() != lanes) throw std::runtime_error("rank 0 reported " + std::to_string(ready->ranks.size()) + " workers, not " + std::to_string(lanes));
        ready_ = std::move(*ready);
        return;
      }
      throw std::runtime_error("a message out of turn from rank 0 while the job started");
    }
  } catch (const JobEnded& e) {
    throw std::runtime_error(std::string("the MPI job did not start: ") + e.what());
  }
}

void Job::send(const Message& m) {
  try {
    mpirun_.write(frame(m));
  } catch (const std::system_error&) {
    throw ended();
  }
}

std::optional<Message> Job::next(std::optional<std::chrono::steady_clock::time_point> deadline) {
  for (;;) {
    Message m;
    try {
      if (from_rank0_.next(m)) {
        if (std::holds_alternative<PingMessage>(m)) {
          send(ClockMessage{steady_ns()});
          continue;
        }
        if (const auto* failed = std::get_if<FailedMessage>(&m)) throw std::runtime_error(failed->message);
        return m;
      }
    } catch (const WireError& e) {
      throw std::runtime_error(std::string("mpirun's output is not the rank program's messages (") + e.what() +
                               "); does mpirun print to stdout?");
    }
    pollfd fds[2] = {{mpirun_.stdout_fd(), POLLIN, 0}, {mpirun_.stderr_fd(), POLLIN, 0}};
    const int n = ::poll(fds, mpirun_.stderr_fd() >= 0 ? 2 : 1, poll_timeout_ms(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "poll on mpirun's output");
    if (n == 0) return std::nullopt;
    if (fds[1].revents != 0) mpirun_.read_stderr();
    if (fds[0].revents == 0) continue;
    char chunk[64 * 1024];
    const ssize_t got = ::read(mpirun_.stdout_fd(), chunk, sizeof chunk);
    if (got > 0) {
      from_rank0_.append(chunk, static_cast<std::size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      throw ended();
    }
  }
}

void Job::stop() {
  send(StopMessage{});
  const std::optional<int> status = mpirun_.wait_for(stop_limit);
  if (!status) {
    mpirun_.terminate();
    throw std::runtime_error("the MPI job did not end within " + std::to_string(stop_limit.count()) +
                             "s of being told to stop; mpirun terminated");
  }
  if (*status != 0) {
    throw std::runtime_error("mpirun " + describe_wait_status(*status) + " when the job stopped: " +
                             mpirun_summary(mpirun_.stderr_text()));
  }
}

JobEnded Job::ended() {
  // Its stdout is closed: mpirun is exiting (or killed). It has its report still to write.
  std::optional<int> status = mpirun_.wait_for(stop_limit);
  const int s = status ? *status : mpirun_.terminate();
  const std::string summary = mpirun_summary(mpirun_.stderr_text());
  return JobEnded("mpirun " + describe_wait_status(s) + (summary.empty() ? "" : ": " + summary), mpirun_.stderr_text());
}

}  // namespace concur_mpi
