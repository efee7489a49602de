// Child records: what a process running cases tells its supervisor (the plan, each case begun, each case finished), one JSON object per line; the journal keeps the same records.
#pragma once

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/plugin_loader.hpp"
#include "run/case_plan.hpp"
#include "run/runner.hpp"

namespace concur {

// The cases the child planned, and the plugins it loaded: all the supervisor
// needs to report and write results without loading a plugin itself.
struct PlanRecord {
  std::vector<Case> cases;  // plugin pointers are null
  std::vector<PluginInfo> plugins;
};

// One case, ended: its result and every run Google Benchmark reported for it.
struct CaseRecord {
  std::string name;
  CaseResult result;
  std::vector<benchmark::BenchmarkReporter::Run> runs;
  MachineFacts machine;    // as Google Benchmark saw it in the process that ran the case
  std::string started_at;  // when that process began running cases
};

nlohmann::json plan_json(const PlanRecord& plan);
nlohmann::json case_json(const CaseRecord& record);
// Both throw std::runtime_error saying what is missing or malformed.
PlanRecord plan_from_json(const nlohmann::json& j);
CaseRecord case_from_json(const nlohmann::json& j);

}  // namespace concur
