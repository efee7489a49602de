#include "results/scaling_table.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "suite/param_text.hpp"
#include "util/statistics.hpp"

namespace concur {
namespace {

// A parameter from context.groups as the suite's type for it, or nothing when the JSON does not fit.
std::optional<ParamValue> param_value(const nlohmann::json& value) {
  if (value.is_number_integer()) return ParamValue(value.get<std::int64_t>());
  if (value.is_string()) return ParamValue(value.get<std::string>());
  if (!value.is_array()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_number_integer(); })) {
    return ParamValue(value.get<std::vector<std::int64_t>>());
  }
  if (std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
    return ParamValue(value.get<std::vector<std::string>>());
  }
  return std::nullopt;
}

// "jobs=12, size=256 KiB, ...": as concur run's tables write them, in the workload's declared order.
std::string params_text(const std::string& workload, const GroupInfo* group) {
  if (!group) return {};
  std::string text;
  const auto add = [&](const std::string& key, const std::string& value) {
    text += (text.empty() ? "" : ", ") + key + '=' + value;
  };
  const WorkloadType* type = find_workload_type(workload);
  std::set<std::string> done;
  for (const ParamSpec& spec : type ? type->params : std::vector<ParamSpec>{}) {
    const auto it = group->params.find(spec.name);
    if (it == group->params.end()) continue;
    const std::optional<ParamValue> value = param_value(*it);
    add(spec.name, value ? param_text(spec, *value) : it->dump());
    done.insert(spec.name);
  }
  for (const auto& [key, value] : group->params.items()) {
    if (!done.count(key)) add(key, value.dump());
  }
  return text;
}

ScalingRow make_row(const RecordedCase& c, unsigned cores, const NoiseLimits& limits) {
  ScalingRow r;
  r.name = c.name;
  r.strategy = c.strategy;
  r.workers = c.workers;
  r.over_cores = cores > 0 && c.workers > cores;
  r.error = c.error;
  if (r.error.empty() && c.times.empty()) r.error = "no timed repetition";
  if (!r.error.empty()) return r;
  r.repetitions = c.times.size();
  r.median = median(c.times);
  r.min = *std::min_element(c.times.begin(), c.times.end());
  r.max = *std::max_element(c.times.begin(), c.times.end());
  r.cv = relative_stddev(c.times);
  r.warnings = noise_warnings(c.times, limits);
  return r;
}

// The row of `strategy` with the fewest workers that has figures.
const ScalingRow* fewest(const std::vector<ScalingRow>& rows, const std::string& strategy) {
  const ScalingRow* best = nullptr;
  for (const ScalingRow& r : rows) {
    if (r.strategy == strategy && r.error.empty() && r.median > 0 && (!best || r.workers < best->workers)) best = &r;
  }
  return best;
}

StrategySummary summarise(const std::vector<const ScalingRow*>& rows) {
  StrategySummary s;
  s.strategy = rows.front()->strategy;
  for (const ScalingRow* r : rows) {
    if (s.best_workers == 0 || r->median < s.best_median) {
      s.best_workers = r->workers;
      s.best_median = r->median;
    }
  }
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
    const double gain = rows[i]->median / rows[i + 1]->median - 1;
    if (gain < knee_gain) {
      s.knee = rows[i]->workers;
      s.knee_next = rows[i + 1]->workers;
      s.knee_step_gain = gain;
      break;
    }
  }
  return s;
}

}  // namespace

ScalingReport scaling_report(const ResultsData& data, const std::string& baseline, const NoiseLimits& limits) {
  ScalingReport report;
  report.source = data.path.string();
  report.suite = data.suite_name;
  report.baseline = baseline;
  report.cores = data.cores;
  report.limits = limits;

  std::map<std::string, std::size_t> strategy_order;
  for (const RecordedCase& c : data.cases) {
    strategy_order.emplace(c.strategy, strategy_order.size());
    auto g = std::find_if(report.groups.begin(), report.groups.end(),
                          [&](const ScalingGroup& known) { return known.group == c.group; });
    if (g == report.groups.end()) {
      ScalingGroup group;
      group.group = c.group;
      group.workload = c.workload;
      const GroupInfo* info = data.group(c.group);
      group.params = params_text(c.workload, info);
      if (info) group.batch_tasks = info->batch_tasks;
      report.groups.push_back(std::move(group));
      g = report.groups.end() - 1;
    }
    g->rows.push_back(make_row(c, data.cores, limits));
  }

  for (ScalingGroup& g : report.groups) {
    std::stable_sort(g.rows.begin(), g.rows.end(), [&](const ScalingRow& a, const ScalingRow& b) {
      const std::size_t sa = strategy_order[a.strategy], sb = strategy_order[b.strategy];
      return sa != sb ? sa < sb : a.workers < b.workers;
    });
    const IdealModel model = IdealModel::for_group(g.workload, data.group(g.group), data.cores);
    g.ideal = model.description();
    const ScalingRow* base = fewest(g.rows, baseline);
    for (ScalingRow& r : g.rows) {
      if (!r.error.empty() || r.median <= 0) continue;
      const ScalingRow* own = fewest(g.rows, r.strategy);
      r.speedup = own->median / r.median;
      if (base) r.vs_baseline = base->median / r.median;
      // CPU work's ideal is scaled from the baseline when it ran, else from the strategy's own fewest workers.
      const ScalingRow* reference = base ? base : own;
      r.ideal = model.ideal_time(r.workers, reference->median, reference->workers);
      if (r.ideal) r.efficiency = *r.ideal / r.median;
    }
    for (const auto& [strategy, order] : strategy_order) {
      std::vector<const ScalingRow*> rows;
      for (const ScalingRow& r : g.rows) {
        if (r.strategy == strategy && r.error.empty() && r.median > 0) rows.push_back(&r);
      }
      if (rows.size() >= 2) g.strategies.push_back(summarise(rows));
    }
    std::sort(g.strategies.begin(), g.strategies.end(), [&](const StrategySummary& a, const StrategySummary& b) {
      return strategy_order[a.strategy] < strategy_order[b.strategy];
    });
  }
  return report;
}

}  // namespace concur
