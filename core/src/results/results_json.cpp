#include "results/results_json.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>

#include "concur/version.hpp"
#include "results/case_figures.hpp"

namespace concur {
namespace {

using Run = benchmark::BenchmarkReporter::Run;
using nlohmann::json;

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

const char* time_unit_name(benchmark::TimeUnit unit) {
  switch (unit) {
    case benchmark::kNanosecond: return "ns";
    case benchmark::kMicrosecond: return "us";
    case benchmark::kMillisecond: return "ms";
    case benchmark::kSecond: return "s";
  }
  return "ns";
}

json param_json(const ParamValue& value) {
  return std::visit([](const auto& v) { return json(v); }, value);
}

// One benchmarks[] entry, field for field as Google Benchmark's JSONReporter
// writes it, except the names: the case alone, whatever the run settings
// (docs/RESULTS.md), so that runs with other settings pair by name.
json run_json(const Run& r) {
  const std::string& name = r.run_name.function_name;
  json j;
  j["name"] = r.run_type == Run::RT_Aggregate ? name + "_" + r.aggregate_name : name;
  j["family_index"] = r.family_index;
  j["per_family_instance_index"] = r.per_family_instance_index;
  j["run_name"] = name;
  j["run_type"] = r.run_type == Run::RT_Iteration ? "iteration" : "aggregate";
  j["repetitions"] = r.repetitions;
  if (r.run_type != Run::RT_Aggregate) j["repetition_index"] = r.repetition_index;
  j["threads"] = r.threads;
  if (r.run_type == Run::RT_Aggregate) {
    j["aggregate_name"] = r.aggregate_name;
    j["aggregate_unit"] = r.aggregate_unit == benchmark::StatisticUnit::kPercentage ? "percentage" : "time";
  }
  if (r.error_occurred) {
    j["error_occurred"] = true;
    j["error_message"] = r.error_message;
  }
  j["iterations"] = r.iterations;
  if (r.run_type == Run::RT_Aggregate && r.aggregate_unit == benchmark::StatisticUnit::kPercentage) {
    j["real_time"] = number(r.real_accumulated_time);
    j["cpu_time"] = number(r.cpu_accumulated_time);
  } else {
    j["real_time"] = number(r.GetAdjustedRealTime());
    j["cpu_time"] = number(r.GetAdjustedCPUTime());
    j["time_unit"] = time_unit_name(r.time_unit);
  }
  for (const auto& [name, counter] : r.counters) j[name] = number(counter.value);
  if (!r.report_label.empty()) j["label"] = r.report_label;
  return j;
}

json timeline_json(const std::vector<TaskRecord>& records) {
  json tasks = json::array();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const TaskRecord& t = records[i];
    tasks.push_back({{"index", i},
                     {"worker", t.worker},
                     {"start_ms", t.start_ns / 1e6},
                     {"end_ms", t.end_ns / 1e6},
                     {"completion", t.completion},
                     {"status", to_string(t.outcome.status)}});
  }
  return tasks;
}

}  // namespace

json results_json(const SuiteRun& run, const ResultsMeta& meta) {
  json context;
  context["date"] = run.started_at;
  context["host_name"] = meta.system.host_name;
  context["executable"] = meta.executable;
  context["num_cpus"] = run.machine.num_cpus;
  context["mhz_per_cpu"] = static_cast<long>(std::lround(run.machine.mhz_per_cpu));
  context["cpu_scaling_enabled"] = run.machine.cpu_scaling_enabled;
  json caches = json::array();
  for (const auto& c : run.machine.caches) {
    caches.push_back({{"type", c.type}, {"level", c.level}, {"size", c.size}, {"num_sharing", c.num_sharing}});
  }
  context["caches"] = caches;
  json load = json::array();
  for (double l : run.machine.load_avg) load.push_back(number(l));
  context["load_avg"] = load;
  // Debian's libbenchmark 1.7.1 is a debug build and cannot be asked at run time;
  // with one whole batch per iteration its overhead is negligible (DESIGN pitfall 9).
  context["library_build_type"] = "debug";
  context["library_build_note"] = "Debian libbenchmark; its overhead is negligible for whole-batch iterations";
  context["concur_version"] = version_string;
  context["concur_build_type"] = meta.system.build_type;
  context["concur_abi_version"] = abi_version;
  context["git_commit"] = meta.system.git_commit;
  context["command_line"] = meta.command_line;
  context["suite"] = {{"name", meta.suite.name},
                      {"path", meta.suite.path.string()},
                      {"sha256", meta.suite.sha256},
                      {"repetitions", meta.suite.repetitions},
                      {"warmup", meta.suite.warmup},
                      {"interleave", meta.suite.interleave},
                      {"startup", to_string(meta.suite.startup)},
                      {"seed", meta.suite.seed}};
  std::set<std::string> used;
  for (const Case& c : run.cases) used.insert(c.strategy);
  json plugins = json::array(), files = json::array();
  for (const PluginInfo& p : meta.plugins) {
    // Every file loaded ran code in the process that ran the cases, used or not.
    files.push_back({{"name", p.name}, {"path", p.path}, {"sha256", p.sha256}});
    if (!used.count(p.name)) continue;
    plugins.push_back({{"name", p.name},
                       {"version", p.version},
                       {"abi", p.abi},
                       {"path", p.path},
                       {"sha256", p.sha256},
                       {"available", p.available},
                       {"unavailable_reason", p.unavailable_reason}});
  }
  context["plugins"] = plugins;
  context["plugin_files"] = files;
  if (!meta.shard.empty()) context["shard"] = meta.shard;
  if (!meta.interrupted_by.empty()) {
    context["interrupted"] = {{"signal", meta.interrupted_by}, {"missing_cases", meta.missing}};
  }
  context["kernel"] = meta.system.kernel;
  context["online_cores"] = meta.system.online_cores;
  context["io_uring"] = meta.system.io_uring;
  context["timing"] = {
      {"iteration", "one whole batch: every task of the workload entry, start to finish"},
      {"real_time", "wall-clock time of the batch"},
      {"cpu_time", "CPU time of the whole process, all threads, plus what the strategy's other processes (workers, a "
                   "fork server) report for the timed calls"},
      {"startup", meta.suite.startup == Startup::timed
                      ? "timed: each timed batch is Strategy::start, run and stop (start-up and shutdown of pools, "
                        "arenas, rings and worker processes included)"
                      : "untimed: Strategy::start runs before a case's batches and Strategy::stop after them, outside "
                        "the timed region; each timed batch is one Strategy::run on the started strategy"},
      {"startup_seconds", "wall time of Strategy::start, measured by the harness"},
      {"input_generation", "outside the timed region: inputs are generated once per entry before any case runs, into "
                           "memory that processes forked from concur map rather than copy or generate again"},
      {"verification", "outside the timed region: every outcome is verified after each batch"},
      {"allocator", "glibc malloc with mmap_threshold 256 MiB and trim_threshold 1 GiB, so task buffers are recycled "
                    "rather than returned to the kernel and re-faulted in every batch"}};

  // speedup / efficiency go on the iteration runs and the mean/median aggregates.
  const std::vector<CaseFigures> figures = case_figures(run);
  std::map<std::string, const CaseFigures*> figures_by_name;
  for (std::size_t i = 0; i < run.cases.size(); ++i) figures_by_name[run.cases[i].name] = &figures[i];

  // The parts of each case as fields, so that tools never parse names; and
  // every parameter of each group, for the ideal a report compares with.
  std::map<std::string, json> case_fields;
  json groups = json::array();
  std::map<std::string, std::size_t> group_at;
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const Case& c = run.cases[i];
    const WorkloadEntry& e = meta.suite.entries.at(c.entry);
    json swept = json::object();
    for (const auto& [param, label] : e.swept) swept[param] = param_json(e.params.all().at(param));
    json fields{{"group", c.group},      {"entry", e.name},      {"workload", e.workload},
                {"strategy", c.strategy}, {"workers", c.workers}, {"params", swept}};
    if (e.threshold) fields["threshold"] = *e.threshold;
    case_fields[c.name] = std::move(fields);
    const std::size_t tasks = run.results[i].batch_tasks;  // 0 for a case that failed before its batch
    if (const auto [at, fresh] = group_at.emplace(c.group, groups.size()); !fresh) {
      if (tasks != 0) groups[at->second]["batch_tasks"] = tasks;
      continue;
    }
    json params = json::object();
    for (const auto& [param, value] : e.params.all()) params[param] = param_json(value);
    groups.push_back(
        {{"group", c.group}, {"entry", e.name}, {"workload", e.workload}, {"batch_tasks", tasks}, {"params", params}});
  }
  context["groups"] = groups;

  json benchmarks = json::array();
  for (const Run& r : run.runs) {
    json j = run_json(r);
    if (auto fields = case_fields.find(r.run_name.function_name); fields != case_fields.end()) j.update(fields->second);
    auto it = figures_by_name.find(r.run_name.function_name);
    const bool central = r.run_type == Run::RT_Iteration || r.aggregate_name == "mean" || r.aggregate_name == "median";
    if (it != figures_by_name.end() && central && !r.error_occurred) {
      const CaseFigures& f = *it->second;
      if (f.speedup) j["speedup"] = number(*f.speedup);
      if (f.efficiency) j["efficiency"] = number(*f.efficiency);
      if (f.vs_sequential) j["speedup_vs_sequential"] = number(*f.vs_sequential);
    }
    benchmarks.push_back(std::move(j));
  }

  json timelines = json::array();
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    if (run.results[i].timeline.empty()) continue;
    timelines.push_back({{"name", run.cases[i].name},
                         {"batch_tasks", run.results[i].batch_tasks},
                         {"tasks", timeline_json(run.results[i].timeline)}});
  }

  return json{{"context", context}, {"benchmarks", benchmarks}, {"timelines", timelines}};
}

std::string json_text(const json& doc) {
  const std::string dumped = doc.dump(2, ' ', false, json::error_handler_t::replace);
  // nlohmann writes \b \f \n \r \t in short, U+007F..U+009F raw. Outside
  // strings there is no backslash, DEL or C1 character to mistake for one.
  std::string text;
  text.reserve(dumped.size() + 1);
  const auto escaped = [&](unsigned code) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\u%04x", code);
    text += buffer;
  };
  for (std::size_t i = 0; i < dumped.size(); ++i) {
    const auto byte = static_cast<unsigned char>(dumped[i]);
    const auto next = i + 1 < dumped.size() ? static_cast<unsigned char>(dumped[i + 1]) : 0u;
    if (byte == '\\') {
      static constexpr std::string_view shorts = "bfnrt", codes = "\b\f\n\r\t";
      if (const auto k = shorts.find(static_cast<char>(next)); k != std::string_view::npos) {
        escaped(static_cast<unsigned char>(codes[k]));
      } else {
        text += dumped.substr(i, 2);  // \" \\ or the start of \uXXXX
      }
      ++i;
    } else if (byte == 0x7f) {
      escaped(byte);
    } else if (byte == 0xc2 && next >= 0x80 && next <= 0x9f) {  // U+0080..U+009F in UTF-8
      escaped(next);
      ++i;
    } else {
      text += dumped[i];
    }
  }
  return text + '\n';
}

}  // namespace concur
