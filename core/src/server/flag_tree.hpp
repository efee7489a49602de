// Writes the flag files and manifest to a folder, for a static web server (nginx) to serve the same bytes as concur's.
#pragma once

#include <cstdint>
#include <filesystem>

namespace concur {

// Writes dir/flags/<cc>/<cc>.gif for every country code and
// dir/flags/manifest.json, the files FlagServer serves for `seed`, creating
// folders as needed and replacing files already there. Throws
// std::runtime_error naming the path that could not be written.
void export_flag_tree(const std::filesystem::path& dir, std::uint64_t seed);

}  // namespace concur
