// YAML bounds: a document nested too deep, with too long a list, or a stream that stalls, refused before yaml-cpp builds (and recurses into) it.
#pragma once

#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

#include "suite/suite_params.hpp"

namespace concur::suite_params {

// A suite is four levels deep (settings, workloads, an entry, a list); yaml-cpp
// recurses once per level and gives up only much deeper, without saying why.
inline constexpr std::size_t max_yaml_depth = 64;
// yaml-cpp takes about 2.5 us and half a kilobyte per item it builds: a list
// of this many is a quarter of a second. {range: N} and `repeat` say more in less.
inline constexpr std::size_t max_list_items = 100'000;

struct YamlDocuments {
  std::size_t count = 0;  // 0, 1 or 2; counting stops at the second
  YAML::Node first;       // the first document, when there is one
  YAML::Mark second;      // where the second document starts, when there is one
};

// Reads `text` first as parser events only, and throws ConfigError at the
// first collection nested deeper than max_yaml_depth, or the first list item
// or map key past max_list_items, naming its key path under `path`; then
// builds the first document. Syntax errors are thrown as yaml-cpp's, for the
// caller to report as it reports them, and so is a token that cannot start a
// node (a stray ','), where yaml-cpp 0.7 would hand out the same empty
// document forever, allocating each time (jbeder/yaml-cpp#1040).
YamlDocuments read_bounded_yaml(const Origin& origin, const std::string& text, const std::string& path);

}  // namespace concur::suite_params
