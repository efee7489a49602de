#include "mpirun_report.hpp"

#include <regex>

namespace concur_mpi {

std::optional<RankEnd> rank_that_ended_job(std::string_view mpirun_stderr) {
  const std::string text(mpirun_stderr);
  std::smatch m;
  static const std::regex signal_end(R"(process rank (\d+) with PID \d+ on node \S+ (exited on signal \d+ \([^)]*\)))");
  if (std::regex_search(text, m, signal_end)) return RankEnd{std::stoi(m[1]), m[2]};
  static const std::regex status_end(R"(Process name:\s*\[\[\d+,\d+\],(\d+)\]\s*Exit code:\s*(\d+))");
  if (std::regex_search(text, m, status_end)) return RankEnd{std::stoi(m[1]), "exited with status " + m[2].str()};
  return std::nullopt;
}

std::string mpirun_summary(std::string_view mpirun_stderr, std::size_t max) {
  std::string out;
  std::size_t at = 0;
  while (at < mpirun_stderr.size() && out.size() < max) {
    std::size_t end = mpirun_stderr.find('\n', at);
    if (end == std::string_view::npos) end = mpirun_stderr.size();
    std::string_view line = mpirun_stderr.substr(at, end - at);
    at = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty() || line.find_first_not_of('-') == std::string_view::npos) continue;
    if (!out.empty()) out += ' ';
    out += line;
  }
  if (out.size() > max) out = max > 3 ? out.substr(0, max - 3) + "..." : out.substr(0, max);
  return out;
}

}  // namespace concur_mpi
