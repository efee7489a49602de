#include "suite/yaml_documents.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>

namespace concur {
namespace {

// Notes where each document and its root node start, and builds nothing.
class DocumentMarks final : public YAML::EventHandler {
 public:
  struct Document {
    YAML::Mark start;  // the first token: "---" or the root node's
    YAML::Mark root;   // what LoadAll's node would give as Mark()
  };
  const std::vector<Document>& documents() const noexcept { return documents_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    documents_.push_back({mark, mark});
    root_seen_ = false;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node_at(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnMapEnd() override {}

 private:
  void node_at(const YAML::Mark& mark) {
    if (root_seen_ || documents_.empty()) return;
    documents_.back().root = mark;
    root_seen_ = true;
  }

  std::vector<Document> documents_;
  bool root_seen_ = false;
};

}  // namespace

YamlDocuments read_yaml_documents(const std::string& text) {
  // A first pass notes where documents start: one that starts where the one
  // before it did consumed nothing, and so would every one after it.
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentMarks marks;
  const auto& seen = marks.documents();
  // Three at most: a stall shows by the third, and a second document is an error anyway.
  while (seen.size() < 3 && parser.HandleNextDocument(marks)) {
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

}  // namespace concur
