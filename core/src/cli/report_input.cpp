#include "cli/report_input.hpp"

#include <set>

#include "cli/commands.hpp"

namespace concur::cli {

std::optional<LoadedReport> load_report(const std::filesystem::path& file, const std::string& baseline,
                                        const NoiseLimits& limits) {
  LoadedReport loaded;
  try {
    loaded.data = read_results(file);
  } catch (const ResultsReadError& e) {
    print_error(e.what());
    return std::nullopt;
  }
  std::set<std::string> strategies;
  for (const RecordedCase& c : loaded.data.cases) strategies.insert(c.strategy);
  if (baseline != "sequential" && !strategies.count(baseline)) {
    std::string known;
    for (const std::string& s : strategies) known += (known.empty() ? "" : ", ") + s;
    print_error("--baseline " + baseline + ": no such strategy in " + file.string() + "; expected one of " +
                (known.empty() ? std::string("(none: the file has no cases)") : known));
    return std::nullopt;
  }
  loaded.report = scaling_report(loaded.data, baseline, limits);
  return loaded;
}

}  // namespace concur::cli
