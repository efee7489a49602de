// Workload: turns typed parameters into a list of tasks and verifies their outcomes.
#pragma once

#include <any>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "concur/io.hpp"
#include "concur/outcome.hpp"
#include "concur/task.hpp"
#include "workloads/shared_inputs.hpp"

namespace concur {

// How a parameter is written in YAML and stored once parsed.
enum class ParamKind {
  integer,       // 12                      -> int64
  size,          // 256KiB                  -> int64 bytes
  duration,      // 100ms                   -> int64 nanoseconds
  integer_list,  // [0, 1, 2] or {range: 5} -> vector<int64>
  text,          // "Key"                   -> string
  words,         // top20 or [CN, IN, A]    -> vector<string>
};

using ParamValue = std::variant<std::int64_t, std::vector<std::int64_t>, std::string, std::vector<std::string>>;

struct ParamSpec {
  std::string name;
  ParamKind kind;
  ParamValue default_value;
  std::int64_t min = 0;                        // for integer / size / duration / list elements
  std::int64_t max = INT64_MAX;
  std::string help;
  // Beyond kind and range: "" when the value is acceptable, else the problem,
  // reported at the value's place in the suite.
  std::function<std::string(const ParamValue&)> check = {};
};

// Resolved parameters of one workload entry: every spec'd name has a value.
class Params {
 public:
  void set(const std::string& name, ParamValue v) { values_[name] = std::move(v); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::int64_t integer(const std::string& name) const { return std::get<std::int64_t>(values_.at(name)); }
  const std::vector<std::int64_t>& list(const std::string& name) const {
    return std::get<std::vector<std::int64_t>>(values_.at(name));
  }
  const std::string& text(const std::string& name) const { return std::get<std::string>(values_.at(name)); }
  const std::vector<std::string>& words(const std::string& name) const {
    return std::get<std::vector<std::string>>(values_.at(name));
  }
  const std::map<std::string, ParamValue>& all() const { return values_; }

 private:
  std::map<std::string, ParamValue> values_;
};

// One configured workload: its inputs are generated when it is built (outside
// any timed region), into the region an InputStore gives it, and are read-only
// afterwards, so tasks may run concurrently and a workload may be run many times.
class Workload {
 public:
  virtual ~Workload() = default;

  virtual std::size_t size() const = 0;

  // "loiter(1)", "rc4(3)": names the task in verbose output and errors.
  virtual std::string label(std::size_t index) const = 0;
  // What the task is about to do, for verbose output: "doing nothing for 1s...".
  virtual std::string start_message(std::size_t index) const = 0;

  // The task itself, written once for every strategy.
  virtual Task run(std::size_t index, Io& io) const = 0;

  // Empty when the outcome is right for this task; otherwise what is wrong.
  // Called outside the timed region. Must check independently of run().
  virtual std::string verify(std::size_t index, const Outcome& outcome) const = 0;

  // The task's result as printed in verbose mode ("10", a digest prefix).
  virtual std::string result_text(std::size_t index, const Outcome& outcome) const = 0;

  // Payload bytes one whole batch processes (0 for loiter).
  virtual std::uint64_t bytes() const = 0;

  // True when a task kills its own process on purpose: only strategies that
  // isolate tasks in other processes may run such a workload.
  virtual bool crashes_process() const { return false; }

  // A check of a whole batch, for what no single outcome shows (a server's
  // own count of what it answered). begin_batch() runs untimed before the
  // batch's tasks; what it returns comes back to verify_batch() with the
  // batch's tally once they ended. Empty when right; else what is wrong.
  struct Tally {
    std::size_t ok = 0, not_found = 0, error = 0;
  };
  virtual std::any begin_batch() const { return {}; }
  virtual std::string verify_batch(const std::any& begun, const Tally& tally) const {
    (void)begun;
    (void)tally;
    return {};
  }
};

// Limits on one batch (every task of an entry), checked when a suite is
// loaded so that a run too large for the machine is refused before anything
// is made (suite_limits.hpp adds what depends on the machine).
inline constexpr std::int64_t max_batch_tasks = 1'000'000;
inline constexpr std::int64_t max_task_input_bytes = std::int64_t{1} << 30;  // 1 GiB, one task's input

// What one batch of an entry asks for, known from its parameters alone.
struct BatchSize {
  std::uint64_t tasks = 0;
  std::uint64_t input_bytes = 0;  // every task's input, made before the first case and kept until the last
};

// A problem that only shows in several parameters together, blamed on `param`.
struct ParamProblem {
  std::string param;
  std::string problem;
};

struct WorkloadType {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  // Builds the workload; its inputs, if any, go in one region of `inputs`.
  std::function<std::unique_ptr<Workload>(const Params&, std::uint64_t seed, InputStore& inputs)> create;
  std::function<BatchSize(const Params&)> batch_size;
  // The parameter a batch grows with ("jobs", "repeat"): named when it is too large.
  std::string count_param;
  // Beyond each parameter's own check: the parameters together.
  std::function<std::optional<ParamProblem>(const Params&)> check = {};
};

// Every built-in workload type (rc4, sha256, loiter, fault), in a fixed order.
const std::vector<WorkloadType>& workload_types();
const WorkloadType* find_workload_type(const std::string& name);

}  // namespace concur
