// libFuzzer target: YAML text through the checks `concur run` makes of a suite file; a ConfigError is the intended answer to bad input, anything else escaping is a bug (concur would die of it).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "suite/suite.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The built-in strategies' names, as `concur run` knows them once its plugins are loaded.
  // (plan_cases takes nothing more from the file than these names and the entries.)
  static const std::vector<std::string> known{"fork", "sequential", "threads", "tbb", "uring"};
  try {
    (void)concur::parse_suite(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml", known);
  } catch (const concur::ConfigError&) {
    // `concur run` prints its one line and exits 2.
  }
  return 0;
}
