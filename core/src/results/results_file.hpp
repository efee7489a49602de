// The results file: its default path, the checks made on it before a run, and its atomic write.
#pragma once

#include <filesystem>
#include <string>

#include "suite/suite.hpp"

namespace concur {

// results/<suite name>-<UTC timestamp>.json, relative to the working directory.
std::filesystem::path default_results_path(const Suite& suite);

// Why `path` cannot take the results, or "" when it can: it must not be
// empty, a folder or another kind of file that a rename would replace, and
// its folder must exist and take a new file (tried, not guessed: root and
// read-only mounts defeat permission bits).
std::string results_path_problem(const std::filesystem::path& path);

// Writes `text` to an unnamed file in `path`'s folder, flushed to disk, and
// renames it into place: a reader sees the old file or the whole new one,
// never a part, and a process killed meanwhile leaves no file behind.
// Throws std::runtime_error naming the file on failure.
void write_results_file(const std::filesystem::path& path, const std::string& text);

}  // namespace concur
