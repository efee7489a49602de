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
  std::vector<LoadedPlugin> plugins;  // sorted by name, first of a duplicate name wins
  std::vector<std::string> errors;    // one line each: "PATH: reason"
  const LoadedPlugin* find(const std::string& name) const;
  std::vector<std::string> names() const;
};

// Loads one file. Throws PluginError naming the path and the reason.
LoadedPlugin load_plugin(const std::filesystem::path& file);

// Folders searched, in order: `extra` (--plugin-dir), CONCUR_PLUGIN_PATH
// (colon-separated), then the folder built plugins are in (next to the
// executable in a build or install tree). Missing folders are skipped.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& extra);

// Loads every "*.so" in the folders. Bad files are reported, not fatal.
PluginSet load_plugins(const std::vector<std::filesystem::path>& folders);

}  // namespace concur
