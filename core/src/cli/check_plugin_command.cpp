// `concur check-plugin PATH`: the conformance checks on one plugin file, as a readable pass/fail report.
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "host/plugin_loader.hpp"
#include "run/conformance.hpp"

namespace concur::cli {

int check_plugin_command(const std::filesystem::path& file) {
  LoadedPlugin plugin;
  try {
    plugin = load_plugin(file);
  } catch (const PluginError& e) {
    print_error(e.what());
    return exit_usage;
  }
  Strategy& strategy = *plugin.strategy;
  std::cout << "checking " << file.string() << '\n'
            << "  strategy " << strategy.name() << ' ' << strategy.version() << ", ABI " << plugin.abi << ", "
            << (plugin.availability.available ? "available" : "unavailable: " + plugin.availability.reason) << '\n'
            << "  " << strategy.description() << "\n\n";

  int passed = 0, failed = 0, skipped = 0;
  for (const ConformanceCheck& check : conformance_checks()) {
    std::cout << "  " << std::left << std::setw(25) << check.name << std::flush;
    const CheckResult r = run_check(check, strategy);
    switch (r.status) {
      case CheckStatus::passed:
        ++passed;
        std::cout << "PASS  " << r.description << '\n';
        break;
      case CheckStatus::failed:
        ++failed;
        std::cout << "FAIL  " << r.description << "\n" << std::string(33, ' ') << "-> " << r.detail << '\n';
        break;
      case CheckStatus::skipped:
        ++skipped;
        std::cout << "SKIP  " << r.detail << '\n';
        break;
    }
  }
  std::cout << std::right << '\n'
            << strategy.name() << ": " << passed << " checks passed, " << failed << " failed, " << skipped
            << " skipped\n";
  return failed == 0 && plugin.availability.available ? exit_ok : exit_case_failed;
}

}  // namespace concur::cli
