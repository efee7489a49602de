#include "run/option_check.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "suite/suite_params.hpp"

namespace concur {
namespace {

std::vector<const LoadedPlugin*> strategies_run(const Suite& suite, const PluginSet& plugins) {
  std::set<std::string> named;
  for (const WorkloadEntry& entry : suite.entries) named.insert(entry.strategies.begin(), entry.strategies.end());
  std::vector<const LoadedPlugin*> run;
  for (const LoadedPlugin& p : plugins.plugins) {
    if (named.count("all") != 0 || named.count(std::string(p.strategy->name())) != 0) run.push_back(&p);
  }
  return run;
}

// The loaded strategies that declare an option `name`, whether they run or not.
std::vector<std::string> declaring(const std::string& name, const PluginSet& plugins) {
  std::vector<std::string> strategies;
  for (const LoadedPlugin& p : plugins.plugins) {
    const auto options = p.strategy->options();
    if (std::any_of(options.begin(), options.end(), [&](const Option& o) { return o.name() == name; })) {
      strategies.emplace_back(p.strategy->name());
    }
  }
  return strategies;
}

[[noreturn]] void fail_unknown(const std::string& name, const OptionSetting& setting,
                               const std::vector<const LoadedPlugin*>& run, const PluginSet& plugins) {
  std::vector<std::string> run_names, declared;
  for (const LoadedPlugin* p : run) {
    run_names.emplace_back(p->strategy->name());
    for (const Option& o : p->strategy->options()) {
      if (std::find(declared.begin(), declared.end(), o.name()) == declared.end()) declared.push_back(o.name());
    }
  }

  std::string problem = "unknown option '" + name + "'";
  if (const std::string suggestion = nearest(name, declared); !suggestion.empty()) {
    problem += "; did you mean '" + suggestion + "'?";
  } else if (const auto elsewhere = declaring(name, plugins); !elsewhere.empty()) {
    // The usual cause: --strategy left out the strategy the suite set it for.
    problem += " for this run's strategies (" + suite_params::join(run_names) + "); it is an option of " +
               suite_params::join(elsewhere);
  } else if (!declared.empty()) {
    problem += "; expected one of " + suite_params::join(declared);
  } else {
    problem += "; this run's strategies (" + suite_params::join(run_names) + ") declare no options";
  }
  suite_params::fail(setting.name_at, "options", problem);
}

}  // namespace

void check_options(const Suite& suite, const PluginSet& plugins) {
  const std::vector<const LoadedPlugin*> run = strategies_run(suite, plugins);
  for (const auto& [name, setting] : suite.options) {
    bool declared = false;
    for (const LoadedPlugin* p : run) {
      for (const Option& o : p->strategy->options()) {
        if (o.name() != name) continue;
        declared = true;
        if (const std::string problem = o.check(setting.value); !problem.empty()) {
          suite_params::fail(setting.value_at, "options." + name,
                             problem + " (option of " + std::string(p->strategy->name()) + ")");
        }
      }
    }
    if (!declared) fail_unknown(name, setting, run, plugins);
  }
}

}  // namespace concur
