// Running gnuplot on a script as a child process (no shell), and finding it on PATH.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace concur {

// What to tell a user whose PATH has no gnuplot.
inline constexpr const char* gnuplot_missing_message =
    "gnuplot not found on PATH; charts need it: apt-get install gnuplot-nox";

struct GnuplotMissing : std::runtime_error {
  GnuplotMissing() : std::runtime_error(gnuplot_missing_message) {}
};

// The first executable `gnuplot` in the folders of $PATH.
std::optional<std::filesystem::path> find_gnuplot();

// Writes `script` into `work_dir` and runs gnuplot on it, stdin from
// /dev/null, its output to a file in `work_dir`. Throws GnuplotMissing, or
// std::runtime_error with gnuplot's first complaint when it fails.
void run_gnuplot(const std::string& script, const std::filesystem::path& work_dir);

// A text as a gnuplot single-quoted string: quotes doubled, nothing else special.
std::string gnuplot_quoted(const std::string& text);

}  // namespace concur
