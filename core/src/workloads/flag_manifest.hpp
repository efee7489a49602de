// FlagManifest: the size and SHA-256 of each flag a server publishes, which the downloads workload checks its answers against.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace concur {

class FlagManifest {
 public:
  struct File {
    std::uint64_t size = 0;
    std::string sha256;  // lower-case hex
  };

  FlagManifest() = default;  // none published
  explicit FlagManifest(std::map<std::string, File> files) : files_(std::move(files)), available_(true) {}

  // False when the server publishes no manifest (a plain static server).
  bool available() const noexcept { return available_; }
  // The file of `code` (upper case), when published.
  std::optional<File> find(const std::string& code) const;

 private:
  std::map<std::string, File> files_;  // by upper-case code
  bool available_ = false;
};

// Parses a manifest's JSON text. Throws std::runtime_error saying what is wrong.
FlagManifest parse_flag_manifest(const std::string& json_text);

// GETs `<base>/manifest.json`: the manifest, or none when the server answers
// 404. Throws std::runtime_error naming the URL for anything else.
FlagManifest fetch_flag_manifest(const std::string& base_url);

}  // namespace concur
