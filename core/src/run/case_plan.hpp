// CasePlan: a suite expanded into cases (workload entry x strategy x workers), with names and filter applied.
#pragma once

#include <string>
#include <vector>

#include "host/plugin_loader.hpp"
#include "suite/suite.hpp"

namespace concur {

struct Case {
  std::string name;          // "rc4/threads/workers:2"; "loiter#2/..." for a second loiter entry
  std::string entry_name;    // "rc4", "loiter#2": groups the console tables
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

}  // namespace concur
