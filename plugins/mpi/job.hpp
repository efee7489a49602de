// Job: one mpirun job of the mpi strategy: started, told what to run, heard from, stopped.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "messages.hpp"
#include "mpirun_process.hpp"

namespace concur_mpi {

// Where and how jobs start (the suite's options).
struct JobSettings {
  std::string mpirun;                    // a path
  std::string rank_program;              // a path, the same on every host
  std::string hostfile;                  // empty: this host only, oversubscribed
  std::vector<std::string> mpirun_args;  // passed on before the program
};

// The job has ended (mpirun's stdout closed); what() says how, stderr_text
// is what mpirun and the ranks wrote on stderr.
class JobEnded : public std::runtime_error {
 public:
  JobEnded(std::string what, std::string stderr_text)
      : std::runtime_error(std::move(what)), stderr_text(std::move(stderr_text)) {}
  std::string stderr_text;
};

// mpirun's command line for `lanes` worker ranks and rank 0.
std::vector<std::string> mpirun_command(const JobSettings& settings, unsigned lanes);

// Destroying a Job ends it: mpirun gets SIGTERM, which ends the ranks.
class Job {
 public:
  // Starts mpirun with `lanes` worker ranks, hands rank 0 the ticket and
  // waits until every worker has rebuilt the batch. Throws std::runtime_error
  // saying why it could not (mpirun's own words).
  Job(const JobSettings& settings, const std::string& ticket, unsigned lanes);

  const ReadyMessage& ready() const noexcept { return ready_; }

  void send(const Message& m);
  // Rank 0's next message, waiting until `deadline` at most (none: no limit);
  // nullopt at the deadline. Answers rank 0's pings itself. Throws JobEnded
  // when the job has ended, std::runtime_error when a rank says it cannot go
  // on or rank 0's stream is not messages.
  std::optional<Message> next(std::optional<std::chrono::steady_clock::time_point> deadline);

  // Tells rank 0 to stop and waits for mpirun to exit; terminates it past
  // stop_limit. Throws std::runtime_error when the job did not end well.
  void stop();

  // mpirun's own CPU so far.
  std::int64_t mpirun_cpu_ns() const { return mpirun_.cpu_ns(); }

 private:
  JobEnded ended();

  MpirunProcess mpirun_;
  FrameBuffer from_rank0_;
  ReadyMessage ready_;
};

}  // namespace concur_mpi
