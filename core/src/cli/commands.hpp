// The concur subcommands, each in its own file; main.cpp wires them to CLI11.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace concur::cli {

// Exit codes shared by every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_case_failed = 1;
inline constexpr int exit_usage = 2;

// "concur: <message>" on stderr, one line whatever the message holds: the shape of every concur error.
void print_error(std::string_view message);

struct CommonOptions {
  std::vector<std::filesystem::path> plugin_dirs;  // --plugin-dir, repeatable
};

struct RunCommandOptions {
  std::filesystem::path suite;
  std::optional<std::filesystem::path> out;
  std::vector<std::string> strategies;
  std::vector<std::string> workers;  // counts and ranges: "1", "2..4"
  std::optional<unsigned> repetitions;
  std::string filter;
  std::string shard;  // "I/N": run only that part of the cases; empty: all
  std::vector<std::string> sets;  // "key=value"
  bool interleave = false;
  std::string startup;  // "timed" or "untimed"; empty: the suite's
  bool verbose = false;
  bool quiet = false;  // no progress line, no other stderr that is not an error
  std::string case_timeout;                     // duration; empty: the suite's
  std::string memory_limit;                     // size per child; empty: the machine's memory; "0": none
  std::optional<std::filesystem::path> resume;  // an interrupted run's results file
  bool child = false;                           // hidden: run cases for a supervising concur
  std::string command_line;
  std::vector<std::string> arguments;           // argv after the program name
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

// `concur serve`: every fault option is unset unless given, so the profile's value stands.
struct ServeCommandOptions {
  std::string profile = "local";
  std::optional<unsigned> port;  // default: the profile's (8001, 8002, 8003)
  std::string bind = "127.0.0.1";
  std::optional<std::string> delay, slow_time, hang_time;  // durations, as in suites
  std::uint64_t seed = 42;
  std::optional<double> error, blackout, reset, hang, slow, truncate, malformed;
  bool log_faults = false;
  bool stop_on_stdin_eof = false;  // hidden: set by ServerProcess, whose pipe is the server's stdin
};

// `concur report FILE.json` and `concur plot FILE.json -o OUT`: read a results file, run nothing.
struct ReportCommandOptions {
  std::filesystem::path file;
  std::string format = "table";  // table, markdown, csv, json, html
  std::string baseline = "sequential";
  std::optional<std::filesystem::path> out;  // default: standard output
  double max_cv_percent = 5;
};
struct PlotCommandOptions {
  std::filesystem::path file;
  std::filesystem::path out;  // .svg or .png
  std::string chart = "speedup";  // speedup, timeline, outcomes or all
  std::string case_name;          // timeline: only this case
  std::string baseline = "sequential";
};

// compare, calibrate and ab (docs/GATE.md): exit 0 ok, 1 a regression or a failed benchmark, 2 bad input.
// The `concur run` options calibrate and ab hand on to every run they start.
struct PassedRunOptions {
  std::optional<unsigned> repetitions;  // empty: the suite's
  std::vector<std::string> strategies;
  std::vector<std::string> workers;  // counts and ranges, as concur run takes them
  std::string filter;
  std::vector<std::string> sets;
  std::string case_timeout, startup, memory_limit;
  bool interleave = false;
};
struct CompareCommandOptions {
  std::filesystem::path base, next;
  std::string threshold = "5%";  // the default, under the suite's and the calibration's
  std::string format = "text";
};
struct CalibrateCommandOptions {
  std::filesystem::path suite;
  PassedRunOptions run;
  unsigned runs = 3;
  std::optional<std::filesystem::path> out;
  bool verbose = false;  // show each run's output
};
struct AbCommandOptions {
  std::filesystem::path suite;
  PassedRunOptions run;  // its repetitions, per round and side, default to 1: the rounds are the samples
  std::optional<std::filesystem::path> a_dir, b_dir, a_exec, b_exec;
  unsigned rounds = 10;
  std::string threshold = "5%";
  std::string format = "text";
  bool verbose = false;
};

int compare_command(const CompareCommandOptions& options);
int calibrate_command(const CommonOptions& common, const CalibrateCommandOptions& options);
int ab_command(const CommonOptions& common, const AbCommandOptions& options);
int list_command(const CommonOptions& common);
int flags_command(const CommonOptions& common, const FlagsOptions& options);
// `concur flags export DIR`: exit 0, or 1 when a file cannot be written.
int flags_export_command(const std::filesystem::path& dir, std::uint64_t seed);
// The supervisor: never loads a plugin; children run the cases.
int run_command(const CommonOptions& common, const RunCommandOptions& options);
// A child of run_command: plans, then runs the cases it is told to.
int run_child(const CommonOptions& common, const RunCommandOptions& options);
// Exit 0 when every check passed, 1 when one failed or the strategy is unavailable, 2 when the file is no plugin.
// Each check runs in a child concur; one that crashes or outlives `check_timeout` fails.
int check_plugin_command(const std::filesystem::path& file, std::chrono::nanoseconds check_timeout);
// The child: runs the checks its parent does not tell it to skip.
int check_plugin_child(const std::filesystem::path& file);
// Exit 0, or 2 for a file that is no results file or options that do not fit it (or no gnuplot for html).
int report_command(const ReportCommandOptions& options);
// Exit 0 with the files written listed on stdout, 2 for bad input or when gnuplot is missing.
int plot_command(const PlotCommandOptions& options);
// `concur merge A.json B.json ... -o ALL.json`: exit 0, or 2 when the files are no shards of one run or -o cannot be written.
struct MergeCommandOptions {
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path out;
};
int merge_command(const MergeCommandOptions& options);
// Exit 0 after SIGINT or SIGTERM, 1 when the server cannot listen, 2 for bad options.
int serve_command(const ServeCommandOptions& options);

}  // namespace concur::cli
