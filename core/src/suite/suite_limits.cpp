#include "suite/suite_limits.hpp"

#include <unistd.h>

#include <string>

#include "suite/suite_params.hpp"
#include "util/units.hpp"

namespace concur {
namespace {

[[noreturn]] void fail_at(const SourceLocation& at, const std::string& path, const std::string& problem) {
  YAML::Mark mark;
  mark.line = at.line - 1;
  mark.column = at.column - 1;
  suite_params::fail(suite_params::Origin{at.file, at.line != 0}, mark, path, problem);
}

}  // namespace

std::uint64_t max_input_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return UINT64_MAX;  // unknown: nothing to go by
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size) / 2;
}

void check_limits(const Suite& suite) {
  const std::uint64_t input_limit = max_input_bytes();
  std::uint64_t held = 0;  // input of the entries so far
  for (const WorkloadEntry& entry : suite.entries) {
    const WorkloadType& type = *find_workload_type(entry.workload);
    const auto blame = [&](const std::string& param, const std::string& problem) {
      const auto given = entry.given.find(param);
      fail_at(given != entry.given.end() ? given->second : entry.location,
              "workloads[" + std::to_string(entry.index) + "]." + param, problem);
    };
    if (type.check) {
      if (const std::optional<ParamProblem> p = type.check(entry.params)) blame(p->param, p->problem);
    }
    const BatchSize batch = type.batch_size(entry.params);
    if (batch.tasks > static_cast<std::uint64_t>(max_batch_tasks)) {
      blame(type.count_param, std::to_string(batch.tasks) + " tasks in a batch; expected at most " +
                                  std::to_string(max_batch_tasks));
    }
    if (__builtin_add_overflow(held, batch.input_bytes, &held)) held = UINT64_MAX;
    if (held > input_limit) {
      const std::string with_others =
          held > batch.input_bytes ? ", " + format_size(held) + " with the entries before it" : "";
      blame(type.count_param, format_size(batch.input_bytes) + " of input" + with_others + "; expected at most " +
                                  format_size(input_limit) + " in all (half the physical memory)");
    }
  }
}

}  // namespace concur
