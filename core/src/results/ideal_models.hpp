// The best a strategy could do on a workload at a worker count: the ideal each efficiency is measured against.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results/results_reader.hpp"

namespace concur {

// loiter: the makespan of the list schedule a pool runs. Tasks are taken in
// submission order, each by the worker that becomes free first (the lowest
// numbered among workers free at the same time), and none waits for anything
// but its own sleep: `tasks` durations in seconds.
double list_schedule_makespan(const std::vector<double>& tasks, unsigned workers);

// A group's ideal. A time model (loiter, downloads on a server that delays
// every response) gives the ideal batch time itself; CPU work (rc4, sha256)
// gives only the ideal speedup, min(workers, cores), so its ideal time is
// scaled from a measured reference.
class IdealModel {
 public:
  // What the group's workload and resolved parameters allow; a model with
  // no ideal (kind() == none) when they say too little (a file without
  // context.groups, a workload without one, a server given as a URL).
  static IdealModel for_group(const std::string& workload, const GroupInfo* group, unsigned cores);

  enum class Kind { none, time, cpu };
  Kind kind() const { return kind_; }
  // How the ideal is made, for the report's footnote.
  const std::string& description() const { return description_; }

  // The ideal batch time at `workers`, when the model gives one by itself.
  std::optional<double> seconds(unsigned workers) const;
  // The ideal speedup from 1 worker to `workers`.
  std::optional<double> scaling(unsigned workers) const;
  // The ideal time at `workers`: the model's own, or (CPU work) the
  // reference's measured time scaled by the ideal speedup between them.
  std::optional<double> ideal_time(unsigned workers, double reference_seconds, unsigned reference_workers) const;

 private:
  Kind kind_ = Kind::none;
  std::string description_;
  std::vector<double> loiter_tasks_;  // seconds per task
  std::uint64_t downloads_ = 0;       // requests per batch
  double delay_ = 0;                  // seconds every response is held
  unsigned cores_ = 0;
};

}  // namespace concur
