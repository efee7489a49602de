// The concur subcommands, each in its own file; main.cpp wires them to CLI11.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace concur::cli {

// Exit codes shared by every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_case_failed = 1;
inline constexpr int exit_usage = 2;

struct CommonOptions {
  std::vector<std::filesystem::path> plugin_dirs;  // --plugin-dir, repeatable
};

struct RunCommandOptions {
  std::filesystem::path suite;
  std::optional<std::filesystem::path> out;
  std::vector<std::string> strategies;
  std::vector<unsigned> workers;
  std::optional<unsigned> repetitions;
  std::string filter;
  std::vector<std::string> sets;  // "key=value"
  bool interleave = false;
  std::string startup;  // "timed" or "untimed"; empty: the suite's
  bool verbose = false;
  std::string command_line;
};

struct FlagsOptions {
  std::vector<std::string> codes;  // CC arguments: codes and letters
  bool all = false;
  bool every = false;
  std::size_t limit = 0;           // 0: no limit
  std::optional<unsigned> max_req;
  std::string server = "LOCAL";
  std::string strategy = "threads";
  bool verbose = false;
  std::string save;
};

int list_command(const CommonOptions& common);
int flags_command(const CommonOptions& common, const FlagsOptions& options);
int run_command(const CommonOptions& common, const RunCommandOptions& options);
// Exit 0 when every check passed, 1 when one failed or the strategy is unavailable, 2 when the file is no plugin.
int check_plugin_command(const std::filesystem::path& file);

}  // namespace concur::cli
