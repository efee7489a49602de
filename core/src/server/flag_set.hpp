// Every flag file of the experiments with its SHA-256, and the manifest that lists them: built once from a seed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace concur {

struct FlagFile {
  std::string code;                 // "US"
  std::string path;                 // "us/us.gif", relative to the flags folder (URL /flags/us/us.gif)
  std::vector<std::uint8_t> bytes;  // the GIF
  std::string sha256;               // lower-case hex
};

// One flag per country code (country_codes() order) and manifest.json:
//   {"count": 194, "seed": 42, "files": {"ad/ad.gif": {"size": 5120, "sha256": "..."}, ...}}
// with paths relative to the manifest's own folder, so it describes a static
// tree (export_flag_tree) and the server's /flags/ alike.
class FlagSet {
 public:
  explicit FlagSet(std::uint64_t seed);

  std::uint64_t seed() const noexcept { return seed_; }
  const std::vector<FlagFile>& files() const noexcept { return files_; }
  // The file for a two-letter code in either case, or nullptr.
  const FlagFile* find(std::string_view code) const noexcept;
  const std::string& manifest_json() const noexcept { return manifest_; }

 private:
  std::uint64_t seed_;
  std::vector<FlagFile> files_;
  std::string manifest_;
};

}  // namespace concur
