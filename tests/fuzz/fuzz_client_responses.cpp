// libFuzzer target: what concur parses from a flag server's answers, the flag manifest and the /stats JSON; std::runtime_error / std::invalid_argument are their documented answers to bad input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "server/server_stats.hpp"
#include "workloads/flag_manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const concur::FlagManifest manifest = concur::parse_flag_manifest(text);
    (void)manifest.find("US");
  } catch (const std::runtime_error&) {
  }
  try {
    const concur::ServerStats stats = concur::parse_stats_json(text);
    // What the server writes, concur reads back unchanged.
    if (concur::parse_stats_json(concur::stats_json(stats)) != stats) std::abort();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
