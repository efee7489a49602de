// Journal: each finished case appended, whole and synced, beside the results file, so an interrupted run can be resumed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/unique_fd.hpp"

namespace concur {

// "<results>.journal": the first line is a header naming the suite and the
// concur that wrote it, then one line per finished case.
std::filesystem::path journal_path(const std::filesystem::path& results);

class Journal {
 public:
  // Starts a new journal, replacing any, or (resume) appends to one that `read` accepted.
  // Throws std::runtime_error naming the path.
  Journal(const std::filesystem::path& path, const nlohmann::json& header, bool append);

  // Written and synced before it returns: a case that was journaled survives
  // a crash or a power cut. Throws std::runtime_error.
  void append(const nlohmann::json& record);

  // The run is complete and its results written: the journal has served.
  void remove() noexcept;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
};

struct JournalContents {
  nlohmann::json header;
  std::vector<nlohmann::json> records;
};

// Reads a journal. A last line cut short (the writer died mid-write) is
// dropped; anything else malformed throws std::runtime_error naming the path and line.
JournalContents read_journal(const std::filesystem::path& path);

}  // namespace concur
