// Benchmark samples: each benchmark's repetitions by run_name, for the gate's tests, from concur's results or any Google Benchmark JSON.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace concur {

// A file that cannot be read, is not JSON, or lacks what a benchmark needs:
// the message names the file and the field, and what was expected.
struct SamplesReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct BenchmarkSamples {
  std::string run_name;          // run_name, or name for files without it
  std::vector<double> real_ns;   // one per repetition, converted from time_unit
  std::vector<double> cpu_ns;
  std::optional<double> threshold;  // the suite's, a fraction
  std::string error;             // error_message of an errored repetition; its times are not kept
  bool from_aggregate = false;   // the file had only aggregates: the median stands in as one repetition
};

struct SamplesFile {
  std::filesystem::path path;
  nlohmann::json context;                 // {} when the file has none
  std::vector<BenchmarkSamples> benchmarks;  // in the file's order of first appearance
  std::map<std::string, double> calibration;  // context.calibration.thresholds, by run_name

  const BenchmarkSamples* find(const std::string& run_name) const;
};

// Reads `path`. Iterations (run_type "iteration", or no aggregate_name in
// files without run_type) are the samples; aggregates are used only for a
// benchmark that has no iteration, its median then standing in. Throws
// SamplesReadError for a missing or invalid file, no or an empty
// `benchmarks`, and a benchmark whose name, times or unit are missing or
// wrong.
SamplesFile read_samples(const std::filesystem::path& path);

// The same on a parsed document; `source` names it in errors.
SamplesFile parse_samples(const nlohmann::json& doc, const std::string& source);

}  // namespace concur
