// The documents of a suite file's YAML stream, read without yaml-cpp 0.7's endless loop on a stray token.
#pragma once

#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

namespace concur {

struct YamlDocuments {
  std::size_t count = 0;  // 0, 1 or 2; counting stops at the second
  YAML::Node first;       // the first document, when there is one
  YAML::Mark second;      // where the second document starts, when there is one
};

// What YAML::LoadAll tells the suite reader, without its loop: yaml-cpp 0.7
// hands out the same empty document forever, allocating each time, at a
// token that cannot start a node (a stray ',': jbeder/yaml-cpp#1040, fixed in
// later releases). Throws YAML::ParserException for invalid YAML, that one included.
YamlDocuments read_yaml_documents(const std::string& text);

}  // namespace concur
