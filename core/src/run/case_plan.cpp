#include "run/case_plan.hpp"

#include <algorithm>
#include <charconv>
#include <regex>
#include <set>

#include "run/option_check.hpp"
#include "util/units.hpp"

namespace concur {

std::vector<Case> plan_cases(const Suite& suite, const PluginSet& plugins, const std::string& filter) {
  check_options(suite, plugins);
  std::regex pattern;
  try {
    pattern = std::regex(filter.empty() ? std::string(".") : filter, std::regex::extended);
  } catch (const std::regex_error& e) {
    throw ConfigError("--filter '" + filter + "': not a valid regular expression: " + e.what());
  }

  std::vector<Case> cases;
  for (std::size_t e = 0; e < suite.entries.size(); ++e) {
    const WorkloadEntry& entry = suite.entries[e];
    const std::string group = group_name(entry);
    std::string swept;
    for (const auto& [param, value] : entry.swept) swept += "/" + param + ":" + value;

    std::vector<std::string> strategies;
    for (const std::string& s : entry.strategies) {
      if (s != "all") {
        strategies.push_back(s);
        continue;
      }
      for (const LoadedPlugin& p : plugins.plugins) {
        if (p.availability.available) strategies.emplace_back(p.strategy->name());
      }
    }
    std::set<std::string> done_strategies;
    for (const std::string& s : strategies) {
      if (!done_strategies.insert(s).second) continue;
      const LoadedPlugin* plugin = plugins.find(s);
      std::set<unsigned> done_workers;
      for (unsigned w : entry.workers) {
        if (plugin && plugin->strategy->max_workers() != 0) w = std::min(w, plugin->strategy->max_workers());
        if (!done_workers.insert(w).second) continue;
        Case c;
        c.group = group;
        c.entry = e;
        c.strategy = s;
        c.workers = w;
        c.plugin = plugin;
        c.name = entry.name + "/" + s + "/workers:" + std::to_string(w) + swept;
        if (!plugin) {
          c.unavailable = "no plugin named '" + s + "' was loaded";
        } else if (!plugin->availability.available) {
          c.unavailable = s + " is unavailable: " + plugin->availability.reason;
        }
        if (std::regex_search(c.name, pattern)) cases.push_back(std::move(c));
      }
    }
  }
  // A task that overruns `timeout` must end: only a strategy whose tasks run
  // outside concur's process can stop one. Silently ignoring the limit would
  // leave a hung task sleeping for as long as it likes.
  if (suite.task_timeout.count() > 0) {
    for (const Case& c : cases) {
      if (c.plugin && c.unavailable.empty() && !c.plugin->strategy->isolates_tasks()) {
        throw ConfigError(suite.path.string() + ": timeout " + format_duration(suite.task_timeout) + ": " + c.strategy +
                          " cannot stop a running task (its tasks run inside concur); leave `timeout` out (the case "
                          "time limit, case_timeout, still ends a hung case) or run only strategies that isolate "
                          "tasks, such as fork");
      }
    }
  }
  if (cases.empty()) {
    throw ConfigError(filter.empty() ? suite.path.string() + ": the suite expands to no cases (no strategy available?)"
                                     : "--filter '" + filter + "': no case of " + suite.path.string() + " matches");
  }
  return cases;
}

std::optional<Shard> parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  Shard shard;
  const char* end = text.data() + text.size();
  const auto a = std::from_chars(text.data(), text.data() + slash, shard.index);
  const auto b = std::from_chars(text.data() + slash + 1, end, shard.count);
  if (a.ec != std::errc() || a.ptr != text.data() + slash || b.ec != std::errc() || b.ptr != end || shard.index < 1 ||
      shard.index > shard.count) {
    return std::nullopt;
  }
  return shard;
}

std::vector<Case> shard_cases(std::vector<Case> cases, Shard shard) {
  std::vector<Case> part;
  for (std::size_t i = shard.index - 1; i < cases.size(); i += shard.count) part.push_back(std::move(cases[i]));
  return part;
}

}  // namespace concur
