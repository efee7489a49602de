// What report and plot both do first: read a results file and make its figures, or say why not.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "results/results_reader.hpp"
#include "results/scaling_table.hpp"

namespace concur::cli {

struct LoadedReport {
  ResultsData data;
  ScalingReport report;
};

// nullopt after printing one `concur:` line: a file that is no results file,
// or a --baseline that is no strategy of it (sequential may be absent).
std::optional<LoadedReport> load_report(const std::filesystem::path& file, const std::string& baseline,
                                        const NoiseLimits& limits);

}  // namespace concur::cli
