#include "gate/benchmark_samples.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace concur {
namespace {

using nlohmann::json;

// Nanoseconds per unit of Google Benchmark's time_unit.
std::optional<double> unit_ns(const std::string& unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return std::nullopt;
}

// Where a field of one benchmark is, for an error: "FILE: benchmarks[3] (name) .real_time".
struct Place {
  const std::string& source;
  std::size_t index;
  std::string name;

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    std::string where = source + ": benchmarks[" + std::to_string(index) + "]";
    if (!name.empty()) where += " (" + name + ")";
    throw SamplesReadError(where + (field.empty() ? "" : "." + field) + ": " + problem);
  }
};

std::string describe(const json& value) { return value.is_null() ? "null" : std::string(value.type_name()) + " " + value.dump(); }

std::string text_field(const json& entry, const char* field, const Place& place) {
  const auto it = entry.find(field);
  if (it == entry.end()) place.fail(field, "missing; expected a string");
  if (!it->is_string()) place.fail(field, "is " + describe(*it) + "; expected a string");
  return it->get<std::string>();
}

// A time in nanoseconds: a finite, non-negative number in the entry's time_unit.
double time_field(const json& entry, const char* field, double scale, const Place& place) {
  const auto it = entry.find(field);
  if (it == entry.end()) place.fail(field, "missing; expected a time (a number)");
  if (!it->is_number()) place.fail(field, "is " + describe(*it) + "; expected a time (a number)");
  const double value = it->get<double>();
  if (!(value >= 0)) place.fail(field, "is " + it->dump() + "; expected a time of 0 or more");
  return value * scale;
}

}  // namespace

const BenchmarkSamples* SamplesFile::find(const std::string& run_name) const {
  for (const BenchmarkSamples& b : benchmarks) {
    if (b.run_name == run_name) return &b;
  }
  return nullptr;
}

SamplesFile parse_samples(const json& doc, const std::string& source) {
  if (!doc.is_object()) throw SamplesReadError(source + ": the document is " + std::string(doc.type_name()) + "; expected an object with `benchmarks`");
  const auto list = doc.find("benchmarks");
  if (list == doc.end() || !list->is_array()) {
    throw SamplesReadError(source + ": benchmarks: " + (list == doc.end() ? "missing" : "not an array") +
                           "; expected Google Benchmark's `benchmarks` array");
  }
  if (list->empty()) throw SamplesReadError(source + ": benchmarks: empty; expected at least one benchmark");

  SamplesFile data;
  data.path = source;
  if (const auto context = doc.find("context"); context != doc.end() && context->is_object()) data.context = *context;
  if (data.context.contains("calibration")) {
    const json& calibration = data.context["calibration"];
    const auto thresholds = calibration.is_object() ? calibration.find("thresholds") : calibration.end();
    if (!calibration.is_object() || thresholds == calibration.end() || !thresholds->is_object()) {
      throw SamplesReadError(source + ": context.calibration.thresholds: missing or not an object; expected {run_name: fraction}");
    }
    for (const auto& [name, value] : thresholds->items()) {
      if (!value.is_number() || !(value.get<double>() > 0)) {
        throw SamplesReadError(source + ": context.calibration.thresholds." + name + ": is " + describe(value) +
                               "; expected a fraction above 0");
      }
      data.calibration[name] = value.get<double>();
    }
  }

  std::map<std::string, std::size_t> index;         // run_name -> data.benchmarks
  std::map<std::string, BenchmarkSamples> medians;  // aggregates, for benchmarks without iterations
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& entry = (*list)[i];
    Place place{source, i, ""};
    if (!entry.is_object()) place.fail("", "is " + std::string(entry.type_name()) + "; expected an object");
    const std::string name = text_field(entry, "name", place);
    place.name = name;
    const std::string run_name = entry.contains("run_name") ? text_field(entry, "run_name", place) : name;
    const bool aggregate = entry.contains("run_type") ? text_field(entry, "run_type", place) == "aggregate"
                                                      : entry.contains("aggregate_name");
    if (aggregate && (!entry.contains("aggregate_name") || entry["aggregate_name"] != "median")) continue;

    BenchmarkSamples sample;
    sample.run_name = run_name;
    if (const auto t = entry.find("threshold"); t != entry.end()) {
      if (!t->is_number() || !(t->get<double>() > 0)) place.fail("threshold", "is " + describe(*t) + "; expected a fraction above 0");
      sample.threshold = t->get<double>();
    }
    const auto failed = entry.find("error_occurred");
    if (failed != entry.end() && !failed->is_boolean()) place.fail("error_occurred", "is " + describe(*failed) + "; expected true or false");
    if (failed != entry.end() && failed->get<bool>()) {
      const auto message = entry.find("error_message");
      sample.error = message != entry.end() && message->is_string() && !message->get<std::string>().empty()
                         ? message->get<std::string>()
                         : "error_occurred, with no error_message";
    } else {
      const std::string unit = entry.contains("time_unit") ? text_field(entry, "time_unit", place) : "ns";
      const std::optional<double> scale = unit_ns(unit);
      if (!scale) place.fail("time_unit", "is \"" + unit + "\"; expected ns, us, ms or s");
      sample.real_ns.push_back(time_field(entry, "real_time", *scale, place));
      sample.cpu_ns.push_back(time_field(entry, "cpu_time", *scale, place));
    }
    if (aggregate) {
      sample.from_aggregate = true;
      medians.emplace(run_name, std::move(sample));
      continue;
    }
    const auto [it, added] = index.emplace(run_name, data.benchmarks.size());
    if (added) {
      data.benchmarks.push_back(std::move(sample));
      continue;
    }
    BenchmarkSamples& b = data.benchmarks[it->second];
    b.real_ns.insert(b.real_ns.end(), sample.real_ns.begin(), sample.real_ns.end());
    b.cpu_ns.insert(b.cpu_ns.end(), sample.cpu_ns.begin(), sample.cpu_ns.end());
    if (b.error.empty()) b.error = sample.error;
    if (!b.threshold) b.threshold = sample.threshold;
  }
  for (auto& [run_name, sample] : medians) {
    if (!index.count(run_name)) data.benchmarks.push_back(std::move(sample));
  }
  return data;
}

SamplesFile read_samples(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw SamplesReadError(source + ": is a folder; expected a results file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SamplesReadError(source + ": cannot read: " + std::strerror(errno) + "; expected a results file");
  std::stringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw SamplesReadError(source + ": not valid JSON (" + e.what() + "); expected a results file");
  }
  return parse_samples(doc, source);
}

}  // namespace concur
