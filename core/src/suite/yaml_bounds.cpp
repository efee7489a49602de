#include "suite/yaml_bounds.hpp"

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

#include <yaml-cpp/eventhandler.h>

namespace concur::suite_params {
namespace {

// Follows the events with a stack of open collections, so that a message can
// name the key path ("workloads[0].durations") as the readers of values do,
// and notes where each document starts.
class BoundsCheck final : public YAML::EventHandler {
 public:
  struct Document {
    YAML::Mark start;  // the first token: "---" or the root node's
    YAML::Mark root;   // what a loaded node would give as Mark()
  };

  BoundsCheck(const Origin& origin, std::string path) : origin_(origin), root_(std::move(path)) {}
  const std::vector<Document>& documents() const noexcept { return documents_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    open_.clear();
    documents_.push_back({mark, mark});
    root_seen_ = false;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark, "~"); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark, "*"); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string& value) override {
    node(mark, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    start(mark, false);
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    start(mark, true);
  }
  void OnMapEnd() override { open_.pop_back(); }

 private:
  struct Collection {
    std::string path;
    bool map = false;
    std::size_t nodes = 0;  // a map's keys and values both count
    std::string key;        // a map's latest key, naming the value that follows it
  };

  // Counts a node into the collection it is in; a map's key is kept to name the value after it.
  void node(const YAML::Mark& mark, const std::string& text) {
    if (!root_seen_ && !documents_.empty()) {
      documents_.back().root = mark;
      root_seen_ = true;
    }
    if (open_.empty()) return;
    Collection& in = open_.back();
    const std::size_t items = in.map ? in.nodes / 2 : in.nodes;
    if (items == max_list_items) {
      const std::string n = std::to_string(max_list_items);
      fail(origin_, mark, in.path,
           (in.map ? "a map of more than " + n + " keys" : "a list of more than " + n + " items") +
               "; expected at most " + n);
    }
    if (in.map && in.nodes % 2 == 0) in.key = text;
    ++in.nodes;
  }

  // The key path of the next node, as the readers of values name it.
  std::string next_path() const {
    if (open_.empty()) return root_;
    const Collection& in = open_.back();
    if (!in.map) return in.path + "[" + std::to_string(in.nodes) + "]";
    if (in.nodes % 2 == 0) return in.path;  // a key is blamed on its map
    return in.path.empty() ? in.key : in.path + "." + in.key;
  }

  void start(const YAML::Mark& mark, bool map) {
    // The position says where; a path 64 levels long would only bury it.
    if (open_.size() == max_yaml_depth) {
      fail(origin_, mark, "",
           "nested deeper than " + std::to_string(max_yaml_depth) + " levels; expected at most " +
               std::to_string(max_yaml_depth));
    }
    std::string path = next_path();
    node(mark, "?");  // a collection as a key has no name to give
    open_.push_back(Collection{std::move(path), map, 0, {}});
  }

  const Origin& origin_;
  const std::string root_;
  std::vector<Collection> open_;
  std::vector<Document> documents_;
  bool root_seen_ = false;
};

}  // namespace

YamlDocuments read_bounded_yaml(const Origin& origin, const std::string& text, const std::string& path) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  BoundsCheck check(origin, path);
  const auto& seen = check.documents();
  // Three at most: a document that starts where the one before it did
  // consumed nothing, and so would every one after it; a second is an error anyway.
  while (seen.size() < 3 && parser.HandleNextDocument(check)) {
    if (seen.size() >= 2 && seen.back().start.pos == seen[seen.size() - 2].start.pos) {
      const YAML::Mark& at = seen.back().start;
      const auto pos = static_cast<std::size_t>(at.pos);
      throw YAML::ParserException(at, pos < text.size() ? "unexpected '" + std::string(1, text[pos]) + "'"
                                                        : std::string("unexpected end of stream"));
    }
  }
  YamlDocuments documents;
  documents.count = std::min<std::size_t>(seen.size(), 2);
  // YAML::Load parses the first document alone, never looping.
  if (documents.count > 0) documents.first = YAML::Load(text);
  if (documents.count > 1) documents.second = seen[1].root;
  return documents;
}

}  // namespace concur::suite_params
