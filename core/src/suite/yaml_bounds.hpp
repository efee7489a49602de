// YAML bounds: a document nested too deep or with too long a list, refused before yaml-cpp builds (and recurses into) it.
#pragma once

#include <cstddef>
#include <string>

#include "suite/suite_params.hpp"

namespace concur::suite_params {

// A suite is four levels deep (settings, workloads, an entry, a list); yaml-cpp
// recurses once per level and gives up only much deeper, without saying why.
inline constexpr std::size_t max_yaml_depth = 64;
// yaml-cpp takes about 2.5 us and half a kilobyte per item it builds: a list
// of this many is a quarter of a second. {range: N} and `repeat` say more in less.
inline constexpr std::size_t max_list_items = 100'000;

// Reads `text` as parser events only, and throws ConfigError at the first
// collection nested deeper than max_yaml_depth, or the first list item or map
// key past max_list_items, naming its key path under `path`. Syntax errors
// are thrown as yaml-cpp's, for the caller to report as it reports them.
void check_yaml_bounds(const Origin& origin, const std::string& text, const std::string& path);

}  // namespace concur::suite_params
