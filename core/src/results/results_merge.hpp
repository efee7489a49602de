// Results merge: the results files of one suite's shards combined into the file one whole run would have written.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace concur {

// Why a merge cannot be made: one line naming the file (or both files) and what was expected.
class MergeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One input: its results document, and its path as given, which messages and
// `context.shards` name.
struct ResultsInput {
  std::string path;
  nlohmann::json doc;
};

// Reads `path`: results_input of its text. Throws MergeError.
ResultsInput read_results_input(const std::filesystem::path& path);
// Parses `text` and checks that it is a concur results file (`context` with
// `concur_version`, `concur_abi_version` and `suite.sha256`, `benchmarks`
// with a `run_name` each); `path` names it. Throws MergeError.
ResultsInput results_input(const std::string& path, const std::string& text);

// The combined document of inputs that results_input accepted. Throws MergeError when the inputs are not shards of
// one run: another suite (`context.suite.sha256`), another concur version or
// ABI, or a case (`run_name`) in two of them.
//
// - `benchmarks`: each case's entries together, as its file holds them, the
//   cases in the suite's plan order as far as the files tell it (groups,
//   then strategies, then worker counts, each in the order the files list
//   them); what no file orders stays in argument order. `family_index` is
//   renumbered to the case's place in the result, as `concur run` numbers it.
// - `timelines`: every input's, in argument order.
// - `context`: the first input's, without its `shard`, with `shards` (each
//   input's path, host_name, date and shard when it has one), `plugins`,
//   `plugin_files` and `groups` united, and `interrupted` when any input was.
nlohmann::json merge_results(const std::vector<ResultsInput>& inputs);

}  // namespace concur
