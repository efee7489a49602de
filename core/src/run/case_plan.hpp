// CasePlan: a suite expanded into cases (workload entry x strategy x workers), with names and filter applied.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/plugin_loader.hpp"
#include "suite/suite.hpp"

namespace concur {

struct Case {
  // "rc4/threads/workers:2", "loiter#2/..." for a second loiter entry,
  // "rc4/fork/workers:2/size:262144" for a swept one (docs/RESULTS.md).
  std::string name;
  std::string group;         // the name without strategy and workers ("rc4/size:262144"): one speedup table
  std::size_t entry = 0;     // index into Suite::entries
  std::string strategy;
  unsigned workers = 1;
  const LoadedPlugin* plugin = nullptr;  // null when the strategy was not found
  std::string unavailable;               // why the case cannot run, if it cannot
};

// "all" becomes every available plugin; workers beyond a strategy's
// max_workers() collapse to it (so sequential runs once). A strategy named
// explicitly but unavailable still gets its cases, marked unavailable, so the
// run reports it instead of skipping it silently. Throws ConfigError for an
// option the strategies refuse (check_options), a bad filter regex, or when
// nothing matches.
std::vector<Case> plan_cases(const Suite& suite, const PluginSet& plugins, const std::string& filter);

// `--shard I/N`: the I-th of N parts of a run (I from 1).
struct Shard {
  unsigned index = 1, count = 1;
};
// "2/3"; nullopt unless 1 <= I <= N.
std::optional<Shard> parse_shard(std::string_view text);
// Every N-th case from the I-th, in plan order: each case in exactly one
// part, and each part a mix of the suite's entries, strategies and workers.
std::vector<Case> shard_cases(std::vector<Case> cases, Shard shard);

}  // namespace concur
