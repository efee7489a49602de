// The json format: the report's figures for other tools, numbers in seconds and fractions, null where there is none.
#include <nlohmann/json.hpp>

#include "results/report_formats.hpp"
#include "results/results_json.hpp"

namespace concur {
namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

}  // namespace

void write_report_json(std::ostream& out, const ScalingReport& report) {
  json groups = json::array();
  for (const ScalingGroup& g : report.groups) {
    json rows = json::array();
    for (const ScalingRow& r : g.rows) {
      json row{{"name", r.name},          {"strategy", r.strategy},   {"workers", r.workers},
               {"over_cores", r.over_cores}, {"warnings", r.warnings}};
      if (!r.error.empty()) {
        row["error"] = r.error;
      } else {
        row.update({{"repetitions", r.repetitions},
                    {"median_seconds", r.median},
                    {"min_seconds", r.min},
                    {"max_seconds", r.max},
                    {"cv", r.cv},
                    {"speedup", optional_number(r.speedup)},
                    {"speedup_vs_baseline", optional_number(r.vs_baseline)},
                    {"ideal_seconds", optional_number(r.ideal)},
                    {"efficiency", optional_number(r.efficiency)}});
      }
      rows.push_back(std::move(row));
    }
    json strategies = json::array();
    for (const StrategySummary& s : g.strategies) {
      json summary{{"strategy", s.strategy}, {"best_workers", s.best_workers}, {"best_median_seconds", s.best_median},
                   {"knee", nullptr}};
      if (s.knee) summary.update({{"knee", *s.knee}, {"knee_next", s.knee_next}, {"knee_step_gain", s.knee_step_gain}});
      strategies.push_back(std::move(summary));
    }
    groups.push_back({{"group", g.group},
                      {"workload", g.workload},
                      {"params", g.params},
                      {"batch_tasks", g.batch_tasks ? json(*g.batch_tasks) : json(nullptr)},
                      {"ideal", g.ideal},
                      {"rows", std::move(rows)},
                      {"strategies", std::move(strategies)}});
  }
  const json doc{{"source", report.source},
                 {"suite", report.suite},
                 {"baseline", report.baseline},
                 {"cores", report.cores},
                 {"knee_gain", knee_gain},
                 {"noise_limits",
                  {{"max_cv", report.limits.max_cv},
                   {"max_modified_z", report.limits.max_modified_z},
                   {"min_repetitions", report.limits.min_repetitions}}},
                 {"groups", std::move(groups)}};
  out << json_text(doc);
}

}  // namespace concur
