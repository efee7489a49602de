// `concur merge`: the results files of one suite's shards combined into one, written atomically.
#include <iostream>
#include <set>

#include "cli/commands.hpp"
#include "results/results_file.hpp"
#include "results/results_json.hpp"
#include "results/results_merge.hpp"

namespace concur::cli {

int merge_command(const MergeCommandOptions& options) {
  // Refused before anything is read, as `concur run` refuses its --out.
  if (const std::string problem = results_path_problem(options.out); !problem.empty()) {
    print_error("-o " + (options.out.empty() ? std::string("''") : options.out.string()) + ": " + problem);
    return exit_usage;
  }
  try {
    std::vector<ResultsInput> inputs;
    for (const std::filesystem::path& path : options.inputs) inputs.push_back(read_results_input(path));
    const nlohmann::json merged = merge_results(inputs);
    write_results_file(options.out, json_text(merged));
    std::set<std::string> cases;
    for (const nlohmann::json& b : merged.at("benchmarks")) cases.insert(b.at("run_name").get<std::string>());
    std::cout << "merged " << inputs.size() << " files, " << cases.size() << " cases: " << options.out.string() << '\n';
  } catch (const std::runtime_error& e) {  // MergeError, or the write
    print_error(e.what());
    return exit_usage;
  }
  return exit_ok;
}

}  // namespace concur::cli
