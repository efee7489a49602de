// Reading a results file back: each case's repetition times, counters and group, for report and plot.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace concur {

// A file that is no results file; the message names the file and the field.
struct ResultsReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One case (strategy x workers in a group), in the order the file lists them.
struct RecordedCase {
  std::string name;  // run_name, <entry>/<strategy>/workers:<N>[/<param>:<value>...], without Google Benchmark's parts
  std::string group, entry, workload, strategy;
  unsigned workers = 0;
  std::vector<double> times;  // seconds, every timed repetition that did not fail, in order
  // The counters of each such repetition (ok, not_found, error, tasks, ...).
  std::vector<std::map<std::string, double>> counters;
  std::string error;  // why the case failed; "" when it did not
};

// context.groups[]: every parameter of a group, resolved, and its tasks per batch.
struct GroupInfo {
  std::string group, entry, workload;
  std::optional<std::uint64_t> batch_tasks;
  nlohmann::json params = nlohmann::json::object();
};

// One timelines[] entry: a case's last batch, task by task.
struct TaskSpan {
  unsigned worker = 0;
  double start_ms = 0, end_ms = 0;
  std::string status;
};
struct Timeline {
  std::string name;  // the case's run_name
  std::optional<std::uint64_t> batch_tasks;
  std::vector<TaskSpan> tasks;
};

struct ResultsData {
  std::filesystem::path path;
  std::vector<RecordedCase> cases;
  std::vector<GroupInfo> groups;  // empty in files written before context.groups existed
  std::vector<Timeline> timelines;
  unsigned cores = 0;             // context online_cores, else num_cpus; 0 when neither is there
  std::string suite_name;

  const GroupInfo* group(const std::string& name) const;
  const RecordedCase* find_case(const std::string& name) const;
};

// Reads and checks a results file. Files from before group/entry/workload/
// strategy/workers were written are read too: the group is then run_name
// without its strategy and workers parts (rc4/size:262144), the workers its
// `workers:N` part; Google Benchmark's parts of such names
// (iterations:1/repeats:1/process_time/real_time) are dropped. Throws
// ResultsReadError.
ResultsData read_results(const std::filesystem::path& path);
// The same from a parsed document; `path` only names it in messages.
ResultsData read_results(const nlohmann::json& doc, const std::filesystem::path& path);

}  // namespace concur
