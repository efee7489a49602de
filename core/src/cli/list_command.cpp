// `concur list`: the strategy plugins found (or why not) with their options, and the workloads with their parameters.
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "host/plugin_loader.hpp"
#include "suite/param_text.hpp"
#include "workloads/workload.hpp"

namespace concur::cli {
namespace {

const char* kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::integer: return "integer";
    case ParamKind::size: return "size";
    case ParamKind::duration: return "duration";
    case ParamKind::integer_list: return "list";
    case ParamKind::text: return "text";
    case ParamKind::words: return "words";
  }
  return "?";
}

}  // namespace

int list_command(const CommonOptions& common) {
  // Described only: no strategy starts a process or a thread for a listing.
  PluginSet plugins = load_plugins(plugin_search_path(common.plugin_dirs), /*will_run=*/false);

  std::cout << "strategies\n";
  std::cout << "  " << std::left << std::setw(12) << "name" << std::setw(9) << "version" << std::setw(5) << "abi"
            << std::setw(12) << "status" << "path\n";
  for (const LoadedPlugin& p : plugins.plugins) {
    std::cout << "  " << std::setw(12) << p.strategy->name() << std::setw(9) << p.strategy->version() << std::setw(5)
              << p.abi << std::setw(12) << (p.availability.available ? "available" : "unavailable")
              << p.path.string() << '\n';
    if (!p.availability.available) std::cout << "      unavailable: " << p.availability.reason << '\n';
    std::cout << "      " << p.strategy->description() << '\n';
    for (const Option& o : p.strategy->options()) {
      std::cout << "      option " << std::setw(16) << o.name() << std::setw(9) << to_string(o.type()) << std::setw(16)
                << ("default " + o.default_value()) << ' ' << o.help() << " (" << o.expected() << ")\n";
    }
  }
  if (plugins.plugins.empty()) std::cout << "  (none found)\n";
  for (const std::string& e : plugins.errors) print_error("plugin not loaded: " + e);

  std::cout << "\nworkloads\n";
  for (const WorkloadType& w : workload_types()) {
    std::cout << "  " << w.name << ": " << w.description << '\n';
    for (const ParamSpec& p : w.params) {
      std::cout << "      " << std::setw(11) << p.name << std::setw(10) << kind_name(p.kind) << std::setw(24)
                << ("default " + param_text(p, p.default_value)) << ' ' << p.help << '\n';
    }
  }
  std::cout << std::right;
  return exit_ok;
}

}  // namespace concur::cli
