// TempFolder: a new private folder, removed with everything in it when the owner goes.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace concur {

class TempFolder {
 public:
  // A folder named <prefix>XXXXXX in the system's temporary folder. Throws std::runtime_error.
  explicit TempFolder(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot make a folder " + pattern + ": " + std::generic_category().message(errno));
    }
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;  // nothing to do about a folder that will not go
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace concur
