// EngineConfig: the worker count and the uring strategy options, checked and turned into engine parameters.
#include "engine_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace concur_uring {
namespace {

// A positive integer strategy option, `fallback` when absent; nullopt when malformed.
std::optional<unsigned> positive_option(const concur::RunOptions& options, const std::string& key, unsigned fallback) {
  const auto it = options.options.find(key);
  if (it == options.options.end()) return fallback;
  const std::string& text = it->second;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

unsigned positive_option_or_throw(const concur::RunOptions& options, const std::string& key, unsigned fallback) {
  const std::optional<unsigned> value = positive_option(options, key, fallback);
  if (!value) throw std::invalid_argument("option " + key + ": expected a positive integer");
  return *value;
}

unsigned online_cores() noexcept {
  const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 ? static_cast<unsigned>(cores) : 1;
}

}  // namespace

EngineConfig engine_config(const concur::RunOptions& options, std::size_t batch_size) {
  if (options.workers == 0) throw std::invalid_argument("workers must be at least 1");
  EngineConfig config;
  config.lanes = static_cast<unsigned>(std::min<std::size_t>(options.workers, batch_size));
  config.offload_threads = positive_option_or_throw(options, "offload_threads", online_cores());
  config.ring_entries = positive_option_or_throw(options, "ring_entries", default_ring_entries);
  return config;
}

}  // namespace concur_uring
