// Plugin loader: finds strategy plugins, checks their ABI and keeps each library loaded while its objects live.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "concur/strategy.hpp"

namespace concur {

class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;  // what(): "PATH: reason"
};

struct LoadedPlugin {
  std::filesystem::path path;
  std::uint32_t abi = 0;
  // Owns the library too: the deleter holds it, so it stays mapped while the strategy lives.
  std::shared_ptr<Strategy> strategy;
  Availability availability;
};

struct PluginSet {
  std::vector<LoadedPlugin> plugins;  // sorted by name
  std::vector<std::string> errors;    // one line each: "PATH: reason"
  const LoadedPlugin* find(const std::string& name) const;
  std::vector<std::string> names() const;
};

// A loaded plugin as the results describe it: all that a process which did
// not load it needs to know.
struct PluginInfo {
  std::string name, version;
  std::uint32_t abi = 0;
  std::string path;
  std::string sha256;  // of the file that was loaded
  bool available = true;
  std::string unavailable_reason;
};
std::vector<PluginInfo> describe_plugins(const PluginSet& plugins);

// Loads one file. Throws PluginError naming the path and the reason.
// `will_run` false: the strategy is only described (Host::will_run()).
LoadedPlugin load_plugin(const std::filesystem::path& file, bool will_run = true);

// Folders searched, in order: `extra` (--plugin-dir), CONCUR_PLUGIN_PATH
// (colon-separated), then the folder built plugins are in (next to the
// executable in a build or install tree). Missing folders are skipped.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& extra);

// Loads every "*.so" in the folders. Bad files are reported, not fatal. A
// name found in several folders is taken from the first; the folders load
// last to first, so concur's own plugins load before any other.
PluginSet load_plugins(const std::vector<std::filesystem::path>& folders, bool will_run = true);

}  // namespace concur
