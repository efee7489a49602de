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
    for (std::size_t i = 0; i < options.inputs.size(); ++i) {
      for (std::size_t k = 0; k < i; ++k) {
        std::error_code unknown;  // a file that cannot be found is reported as it is read
        if (std::filesystem::equivalent(options.inputs[k], options.inputs[i], unknown)) {
          throw MergeError(options.inputs[i].string() + ": given twice (also as " + options.inputs[k].string() +
                           "); expected each shard's file once");
        }
      }
      inputs.push_back(read_results_input(options.inputs[i]));
    }
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
