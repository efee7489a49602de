// Results JSON: Google Benchmark's schema (context + benchmarks[]) plus concur's context, counters and timelines.
#pragma once

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
  std::string shard;  // "1/2" for a run of --shard 1/2; empty for a whole run
};

// Non-finite numbers are written as null, so the file is always valid JSON.
nlohmann::json results_json(const SuiteRun& run, const ResultsMeta& meta);

// The document as JSON text, indented, ending in a newline. Every control
// character in a string is written \u00XX (U+0000..U+001F, U+007F..U+009F),
// so no reader meets a raw one or a short form it might not expect, and
// bytes that are not UTF-8 become U+FFFD rather than an exception.
std::string json_text(const nlohmann::json& doc);

}  // namespace concur
