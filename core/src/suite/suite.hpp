// Suite: a YAML benchmark suite, parsed and validated, and the command-line overrides applied to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/workload.hpp"

namespace concur {

// A bad suite or override. what() is one line: "file:line:column: key: problem; expected ...".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown (command-line overrides)
  int column = 0;  // 1-based
  std::string str() const;  // "file:line:column"
};

// One member of `options:`, kept as written: only the strategies of a run,
// known once plugins are loaded, can check it (run/option_check.hpp).
struct OptionSetting {
  std::string value;
  SourceLocation name_at;   // of the key, for an option no strategy declares
  SourceLocation value_at;  // of the value, for one a strategy refuses
};

// One parameter an entry sweeps (`matrix:`, or `--set key=a,b`): a value per point.
struct Sweep {
  std::string param;
  std::vector<ParamValue> values;
  std::vector<std::string> labels;  // each value as case names show it: "262144" (sizes in bytes, durations in ns)
};

// One parameter set of `workloads:`; it expands to one case per strategy x workers.
struct WorkloadEntry {
  std::string workload;                 // a WorkloadType name
  // The entry part of case names: its `name:`, else the workload ("rc4",
  // "rc4#2" for a second unnamed one). Set when the suite's entries are expanded.
  std::string name;
  bool named = false;                   // `name:` given
  std::optional<double> threshold;      // `threshold:`, a fraction: the change `compare` calls significant
  std::vector<Sweep> sweeps;            // as written; expanded entries have none
  // The swept parameters of this point, in sweep order, as (param, label).
  std::vector<std::pair<std::string, std::string>> swept;
  Params params;                        // every parameter resolved (defaults filled in)
  std::vector<std::string> strategies;  // after suite defaults; "all" already expanded by the runner
  std::vector<unsigned> workers;
  SourceLocation location;              // of the entry, for errors found later
  std::size_t index = 0;                // its place in `workloads:` ("workloads[2]" in errors)
  // Where each parameter not left at its default was given (its value in the
  // file, or the --set), for limits that only the parameters together break.
  std::map<std::string, SourceLocation> given;
};

// What a timed batch holds besides the tasks: see Strategy (strategy.hpp).
enum class Startup {
  untimed,  // Strategy::start once before a case's batches, Strategy::stop after them
  timed,    // every timed batch is start, run, stop (the original experiments' executor)
};
const char* to_string(Startup startup) noexcept;
// "timed" or "untimed"; nullopt for anything else.
std::optional<Startup> parse_startup(std::string_view text) noexcept;

struct Suite {
  std::filesystem::path path;
  std::string sha256;               // of the file's bytes
  std::string name;                 // `name:` or the file's stem; part of the default results file name
  unsigned repetitions = 3;
  unsigned warmup = 0;              // untimed batches before a case's first repetition
  bool interleave = false;          // Google Benchmark's random interleaving
  Startup startup = Startup::untimed;
  std::uint64_t seed = 42;          // input data is generated from it
  std::chrono::nanoseconds task_timeout{0};    // `timeout`: per task, 0 = none
  // `case_timeout`: a case still running after this is killed with the
  // process running it, and fails. Generous: a limit for hangs, not a budget.
  std::chrono::nanoseconds case_timeout{std::chrono::minutes(10)};
  std::map<std::string, OptionSetting> options;  // strategy options, passed to every strategy
  std::vector<WorkloadEntry> written;  // `workloads:` as written (overrides applied), sweeps unexpanded
  std::vector<WorkloadEntry> entries;  // one per parameter set: `written` with every sweep expanded
};

// "rc4/size:262144": an entry's name and swept parameters, the part of its
// cases' names that is not strategy or workers.
std::string group_name(const WorkloadEntry& entry);

struct Overrides {
  std::optional<std::vector<std::string>> strategies;  // --strategy a,b
  std::optional<std::vector<unsigned>> workers;        // --workers 1,2,4
  std::optional<unsigned> repetitions;                 // --repetitions N
  std::optional<bool> interleave;                      // --interleave
  std::optional<Startup> startup;                      // --startup timed|untimed
  std::optional<std::string> case_timeout;             // --case-timeout 10m
  std::vector<std::pair<std::string, std::string>> sets;  // --set key=value, in order
};

// Parses and validates the file, limits on the run's size included
// (suite_limits.hpp). `known_strategies` are the names a suite may use
// besides "all". Throws ConfigError.
Suite load_suite(const std::filesystem::path& file, const std::vector<std::string>& known_strategies);
// The same for a file's bytes already read; `file` names it in errors and gives the default name.
Suite parse_suite(const std::string& bytes, const std::filesystem::path& file,
                  const std::vector<std::string>& known_strategies);

// Applies command-line overrides; --set values are parsed with the same rules
// and limits as the YAML. A --set key that no entry has is an error. Throws ConfigError.
void apply_overrides(Suite& suite, const Overrides& overrides,
                     const std::vector<std::string>& known_strategies);

// The closest candidate within a small edit distance, or "" (for "did you mean").
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace concur
