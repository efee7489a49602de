#include "results/results_reader.hpp"

#include <cstdlib>
#include <fstream>
#include <string_view>

namespace concur {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw ResultsReadError(path.string() + ": " + what);
}

double seconds_per(const std::string& unit, const std::filesystem::path& path, const std::string& where) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1;
  fail(path, where + ".time_unit '" + unit + "': expected ns, us, ms or s");
}

std::string text_field(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::uint64_t> count_field(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number() || it->get<double>() < 0) return std::nullopt;
  return static_cast<std::uint64_t>(it->get<double>());
}

// The `/`-separated parts of a case name: entry, strategy, workers:N, params.
std::vector<std::string> name_parts(std::string_view name) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t slash = name.find('/', start);
    parts.emplace_back(name.substr(start, slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

// Google Benchmark's own parts of a name (iterations:1/repeats:1/process_time/real_time), which files
// from before stable names carry after concur's.
bool benchmark_suffix(const std::string& part) {
  for (const char* prefix : {"iterations:", "repeats:", "threads:", "min_time:", "min_warmup_time:"}) {
    if (part.rfind(prefix, 0) == 0) return true;
  }
  return part == "process_time" || part == "real_time" || part == "manual_time";
}

// A case's identity, from its fields, else (files from before they existed) from its name.
RecordedCase identify(const json& b, const std::string& run_name, const std::filesystem::path& path,
                      const std::string& where) {
  RecordedCase c;
  std::vector<std::string> parts = name_parts(run_name);
  while (parts.size() > 3 && benchmark_suffix(parts.back())) parts.pop_back();
  // The case's name as timelines[] and stable names give it.
  c.name = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) c.name += '/' + parts[i];
  c.entry = text_field(b, "entry");
  if (c.entry.empty()) c.entry = parts[0];
  c.strategy = text_field(b, "strategy");
  if (c.strategy.empty() && parts.size() > 1) c.strategy = parts[1];
  c.group = text_field(b, "group");
  if (c.group.empty()) {
    // The entry and the swept parameters that follow workers:N, as `group` would say.
    c.group = parts[0];
    for (std::size_t i = 3; i < parts.size(); ++i) c.group += '/' + parts[i];
  }
  c.workload = text_field(b, "workload");
  if (const auto w = count_field(b, "workers")) c.workers = static_cast<unsigned>(*w);
  if (c.workers == 0) {
    for (const std::string& part : parts) {
      if (part.rfind("workers:", 0) == 0) c.workers = static_cast<unsigned>(std::strtoul(part.c_str() + 8, nullptr, 10));
    }
  }
  if (c.strategy.empty() || c.workers == 0) {
    fail(path, where + " '" + run_name + "': expected fields strategy and workers, or a name <entry>/<strategy>/workers:<N>");
  }
  return c;
}

}  // namespace

const GroupInfo* ResultsData::group(const std::string& name) const {
  for (const GroupInfo& g : groups) {
    if (g.group == name) return &g;
  }
  return nullptr;
}

const RecordedCase* ResultsData::find_case(const std::string& name) const {
  for (const RecordedCase& c : cases) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

ResultsData read_results(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be read");
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    fail(path, std::string("not JSON: ") + e.what());
  }
  return read_results(doc, path);
}

ResultsData read_results(const json& doc, const std::filesystem::path& path) {
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    fail(path, "expected a results file: an object with a benchmarks array");
  }
  ResultsData data;
  data.path = path;
  const json context = doc.value("context", json::object());
  if (context.is_object()) {
    if (const auto c = count_field(context, "online_cores")) data.cores = static_cast<unsigned>(*c);
    if (data.cores == 0) {
      if (const auto c = count_field(context, "num_cpus")) data.cores = static_cast<unsigned>(*c);
    }
    if (context.contains("suite") && context["suite"].is_object()) data.suite_name = text_field(context["suite"], "name");
    if (const auto g = context.find("groups"); g != context.end() && g->is_array()) {
      for (std::size_t i = 0; i < g->size(); ++i) {
        const json& j = (*g)[i];
        GroupInfo info;
        if (j.is_object()) info.group = text_field(j, "group");
        if (info.group.empty()) fail(path, "context.groups[" + std::to_string(i) + "].group: expected the group's name");
        info.entry = text_field(j, "entry");
        info.workload = text_field(j, "workload");
        info.batch_tasks = count_field(j, "batch_tasks");
        if (j.contains("params") && j["params"].is_object()) info.params = j["params"];
        data.groups.push_back(std::move(info));
      }
    }
  }

  const json& benchmarks = doc["benchmarks"];
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    const json& b = benchmarks[i];
    const std::string where = "benchmarks[" + std::to_string(i) + "]";
    if (!b.is_object()) fail(path, where + ": expected an object");
    std::string run_name = text_field(b, "run_name");
    if (run_name.empty()) run_name = text_field(b, "name");
    if (run_name.empty()) fail(path, where + ".run_name: expected the case's name");
    // Aggregates repeat what the repetitions say; the figures are made from those.
    if (text_field(b, "run_type") == "aggregate") continue;

    RecordedCase found = identify(b, run_name, path, where);
    RecordedCase* c = nullptr;
    for (RecordedCase& known : data.cases) {
      if (known.name == found.name) c = &known;
    }
    if (!c) {
      data.cases.push_back(std::move(found));
      c = &data.cases.back();
    }
    if (b.value("error_occurred", false)) {
      if (c->error.empty()) c->error = text_field(b, "error_message");
      if (c->error.empty()) c->error = "failed";
      continue;
    }
    const auto real = b.find("real_time");
    if (real == b.end() || !real->is_number()) fail(path, where + ".real_time: expected a number");
    c->times.push_back(real->get<double>() * seconds_per(b.value("time_unit", std::string("ns")), path, where));
    std::map<std::string, double> counters;
    for (const char* key : {"tasks", "ok", "not_found", "error", "bytes", "peak_in_flight"}) {
      if (const auto v = b.find(key); v != b.end() && v->is_number()) counters[key] = v->get<double>();
    }
    c->counters.push_back(std::move(counters));
  }

  for (RecordedCase& c : data.cases) {
    if (const GroupInfo* g = data.group(c.group); g && c.workload.empty()) c.workload = g->workload;
    if (c.workload.empty()) c.workload = c.entry.substr(0, c.entry.find('#'));  // rc4#2 is an rc4 entry
  }

  if (const auto t = doc.find("timelines"); t != doc.end() && t->is_array()) {
    for (std::size_t i = 0; i < t->size(); ++i) {
      const json& j = (*t)[i];
      const std::string where = "timelines[" + std::to_string(i) + "]";
      Timeline line;
      if (j.is_object()) line.name = text_field(j, "name");
      if (line.name.empty()) fail(path, where + ".name: expected the case's name");
      line.batch_tasks = count_field(j, "batch_tasks");
      if (!j.contains("tasks") || !j["tasks"].is_array()) fail(path, where + ".tasks: expected an array");
      for (const json& task : j["tasks"]) {
        if (!task.is_object() || !task.contains("start_ms") || !task["start_ms"].is_number() ||
            !task.contains("end_ms") || !task["end_ms"].is_number()) {
          fail(path, where + ".tasks: expected objects with start_ms, end_ms and worker");
        }
        line.tasks.push_back({static_cast<unsigned>(count_field(task, "worker").value_or(0)),
                              task["start_ms"].get<double>(), task["end_ms"].get<double>(),
                              text_field(task, "status")});
      }
      data.timelines.push_back(std::move(line));
    }
  }
  return data;
}

}  // namespace concur
