#include "run/child_records.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace concur {
namespace {

using nlohmann::json;
using Run = benchmark::BenchmarkReporter::Run;

// Doubles travel as JSON numbers; NaN and infinities are not JSON.
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double number_from(const json& j) { return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>(); }

Status status_from(const std::string& text) {
  for (Status s : {Status::ok, Status::not_found, Status::error}) {
    if (text == to_string(s)) return s;
  }
  throw std::runtime_error("unknown task status '" + text + "'");
}

json run_json(const Run& r) {
  json counters = json::object();
  for (const auto& [name, counter] : r.counters) counters[name] = number(counter.value);
  const benchmark::BenchmarkName& n = r.run_name;
  return {{"function_name", n.function_name},
          {"args", n.args},
          {"min_time", n.min_time},
          {"min_warmup_time", n.min_warmup_time},
          {"iterations_name", n.iterations},
          {"repetitions_name", n.repetitions},
          {"time_type", n.time_type},
          {"threads_name", n.threads},
          {"family_index", r.family_index},
          {"per_family_instance_index", r.per_family_instance_index},
          {"aggregate", r.run_type == Run::RT_Aggregate},
          {"aggregate_name", r.aggregate_name},
          {"percentage", r.aggregate_unit == benchmark::StatisticUnit::kPercentage},
          {"report_label", r.report_label},
          {"error_occurred", r.error_occurred},
          {"error_message", r.error_message},
          {"iterations", r.iterations},
          {"threads", r.threads},
          {"repetition_index", r.repetition_index},
          {"repetitions", r.repetitions},
          {"time_unit", static_cast<int>(r.time_unit)},
          {"real_accumulated_time", number(r.real_accumulated_time)},
          {"cpu_accumulated_time", number(r.cpu_accumulated_time)},
          {"counters", counters}};
}

Run run_from_json(const json& j) {
  Run r;
  r.run_name.function_name = j.at("function_name").get<std::string>();
  r.run_name.args = j.at("args").get<std::string>();
  r.run_name.min_time = j.at("min_time").get<std::string>();
  r.run_name.min_warmup_time = j.at("min_warmup_time").get<std::string>();
  r.run_name.iterations = j.at("iterations_name").get<std::string>();
  r.run_name.repetitions = j.at("repetitions_name").get<std::string>();
  r.run_name.time_type = j.at("time_type").get<std::string>();
  r.run_name.threads = j.at("threads_name").get<std::string>();
  r.family_index = j.at("family_index").get<std::int64_t>();
  r.per_family_instance_index = j.at("per_family_instance_index").get<std::int64_t>();
  r.run_type = j.at("aggregate").get<bool>() ? Run::RT_Aggregate : Run::RT_Iteration;
  r.aggregate_name = j.at("aggregate_name").get<std::string>();
  r.aggregate_unit = j.at("percentage").get<bool>() ? benchmark::StatisticUnit::kPercentage : benchmark::kTime;
  r.report_label = j.at("report_label").get<std::string>();
  r.error_occurred = j.at("error_occurred").get<bool>();
  r.error_message = j.at("error_message").get<std::string>();
  r.iterations = j.at("iterations").get<benchmark::IterationCount>();
  r.threads = j.at("threads").get<std::int64_t>();
  r.repetition_index = j.at("repetition_index").get<std::int64_t>();
  r.repetitions = j.at("repetitions").get<std::int64_t>();
  const int unit = j.at("time_unit").get<int>();
  if (unit != benchmark::kNanosecond && unit != benchmark::kMicrosecond && unit != benchmark::kMillisecond &&
      unit != benchmark::kSecond) {
    throw std::runtime_error("unknown time unit " + std::to_string(unit));
  }
  r.time_unit = static_cast<benchmark::TimeUnit>(unit);
  r.real_accumulated_time = number_from(j.at("real_accumulated_time"));
  r.cpu_accumulated_time = number_from(j.at("cpu_accumulated_time"));
  for (const auto& [name, value] : j.at("counters").items()) r.counters[name] = benchmark::Counter(number_from(value));
  return r;
}

json timeline_json(const std::vector<TaskRecord>& records) {
  json tasks = json::array();
  for (const TaskRecord& t : records) {
    tasks.push_back({{"worker", t.worker},
                     {"start_ns", t.start_ns},
                     {"end_ns", t.end_ns},
                     {"completion", t.completion},
                     {"status", to_string(t.outcome.status)},
                     {"bytes", t.outcome.bytes},
                     {"value", t.outcome.value},
                     {"digest", t.outcome.digest},
                     {"message", t.outcome.message}});
  }
  return tasks;
}

std::vector<TaskRecord> timeline_from_json(const json& j) {
  std::vector<TaskRecord> records;
  for (const json& t : j) {
    TaskRecord r;
    r.worker = t.at("worker").get<unsigned>();
    r.start_ns = t.at("start_ns").get<std::int64_t>();
    r.end_ns = t.at("end_ns").get<std::int64_t>();
    r.completion = t.at("completion").get<std::uint64_t>();
    r.outcome.status = status_from(t.at("status").get<std::string>());
    r.outcome.bytes = t.at("bytes").get<std::uint64_t>();
    r.outcome.value = t.at("value").get<std::int64_t>();
    r.outcome.digest = t.at("digest").get<std::string>();
    r.outcome.message = t.at("message").get<std::string>();
    records.push_back(std::move(r));
  }
  return records;
}

json machine_json(const MachineFacts& m) {
  json caches = json::array();
  for (const auto& c : m.caches) {
    caches.push_back({{"type", c.type}, {"level", c.level}, {"size", c.size}, {"num_sharing", c.num_sharing}});
  }
  json load = json::array();
  for (double l : m.load_avg) load.push_back(number(l));
  return {{"num_cpus", m.num_cpus},
          {"mhz_per_cpu", number(m.mhz_per_cpu)},
          {"cpu_scaling_enabled", m.cpu_scaling_enabled},
          {"load_avg", load},
          {"caches", caches}};
}

MachineFacts machine_from_json(const json& j) {
  MachineFacts m;
  m.num_cpus = j.at("num_cpus").get<int>();
  m.mhz_per_cpu = number_from(j.at("mhz_per_cpu"));
  m.cpu_scaling_enabled = j.at("cpu_scaling_enabled").get<bool>();
  for (const json& l : j.at("load_avg")) m.load_avg.push_back(number_from(l));
  for (const json& c : j.at("caches")) {
    benchmark::CPUInfo::CacheInfo info;
    info.type = c.at("type").get<std::string>();
    info.level = c.at("level").get<int>();
    info.size = c.at("size").get<int>();
    info.num_sharing = c.at("num_sharing").get<int>();
    m.caches.push_back(info);
  }
  return m;
}

// nlohmann's own exceptions name neither the record nor the field well enough alone.
template <typename F>
auto reading(const char* what, F&& f) {
  try {
    return f();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("malformed ") + what + " record: " + e.what());
  }
}

}  // namespace

json plan_json(const PlanRecord& plan) {
  json cases = json::array();
  for (const Case& c : plan.cases) {
    cases.push_back({{"name", c.name},
                     {"group", c.group},
                     {"entry", c.entry},
                     {"strategy", c.strategy},
                     {"workers", c.workers},
                     {"unavailable", c.unavailable}});
  }
  json plugins = json::array();
  for (const PluginInfo& p : plan.plugins) {
    plugins.push_back({{"name", p.name},
                       {"version", p.version},
                       {"abi", p.abi},
                       {"path", p.path},
                       {"sha256", p.sha256},
                       {"available", p.available},
                       {"unavailable_reason", p.unavailable_reason}});
  }
  return {{"cases", cases}, {"plugins", plugins}};
}

PlanRecord plan_from_json(const json& j) {
  return reading("plan", [&] {
    PlanRecord plan;
    for (const json& c : j.at("cases")) {
      Case k;
      k.name = c.at("name").get<std::string>();
      k.group = c.at("group").get<std::string>();
      k.entry = c.at("entry").get<std::size_t>();
      k.strategy = c.at("strategy").get<std::string>();
      k.workers = c.at("workers").get<unsigned>();
      k.unavailable = c.at("unavailable").get<std::string>();
      plan.cases.push_back(std::move(k));
    }
    for (const json& p : j.at("plugins")) {
      plan.plugins.push_back({p.at("name").get<std::string>(), p.at("version").get<std::string>(),
                              p.at("abi").get<std::uint32_t>(), p.at("path").get<std::string>(),
                              p.at("sha256").get<std::string>(), p.at("available").get<bool>(), p.at("unavailable_reason").get<std::string>()});
    }
    return plan;
  });
}

json case_json(const CaseRecord& record) {
  const CaseResult& r = record.result;
  json runs = json::array();
  for (const Run& run : record.runs) runs.push_back(run_json(run));
  json external = json::array();
  for (double s : r.external_cpu_seconds) external.push_back(number(s));
  return {{"name", record.name},
          {"failure", r.failure},
          {"broken", r.broken},
          {"warmed", r.warmed},
          {"repetitions_run", r.repetitions_run},
          {"external_cpu_seconds", external},
          {"timeline", timeline_json(r.timeline)},
          {"batch_tasks", r.batch_tasks},
          {"runs", runs},
          {"machine", machine_json(record.machine)},
          {"started_at", record.started_at}};
}

CaseRecord case_from_json(const json& j) {
  return reading("case", [&] {
    CaseRecord record;
    record.name = j.at("name").get<std::string>();
    CaseResult& r = record.result;
    r.failure = j.at("failure").get<std::string>();
    r.broken = j.at("broken").get<bool>();
    r.warmed = j.at("warmed").get<bool>();
    r.repetitions_run = j.at("repetitions_run").get<unsigned>();
    for (const json& s : j.at("external_cpu_seconds")) r.external_cpu_seconds.push_back(number_from(s));
    r.timeline = timeline_from_json(j.at("timeline"));
    r.batch_tasks = j.at("batch_tasks").get<decltype(r.batch_tasks)>();
    for (const json& run : j.at("runs")) record.runs.push_back(run_from_json(run));
    record.machine = machine_from_json(j.at("machine"));
    record.started_at = j.at("started_at").get<std::string>();
    return record;
  });
}

}  // namespace concur
