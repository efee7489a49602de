// Results JSON: Google Benchmark's schema (context + benchmarks[]) plus concur's context, counters and timelines.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/plugin_loader.hpp"
#include "results/sysinfo.hpp"
#include "run/runner.hpp"
#include "suite/suite.hpp"

namespace concur {

struct ResultsMeta {
  const Suite& suite;
  const SystemInfo& system;
  const std::vector<PluginInfo>& plugins;
  std::string executable;
  std::string command_line;
  // A run cut short by a signal: which (SIGINT, SIGTERM), and the cases it left unrun.
  std::string interrupted_by;
  std::vector<std::string> missing;
};

// Non-finite numbers are written as null, so the file is always valid JSON.
nlohmann::json results_json(const SuiteRun& run, const ResultsMeta& meta);

// results/<suite name>-<UTC timestamp>.json, relative to the working directory.
std::filesystem::path default_results_path(const Suite& suite);

// Writes to a temporary file beside `path` and renames it into place, so a
// reader never sees a half-written file. Creates missing parent folders.
// Throws std::runtime_error naming the path on failure.
void write_json_file(const std::filesystem::path& path, const nlohmann::json& doc);

}  // namespace concur
