// Entry point of the concur command line: parses arguments and dispatches to a command.
#include <curl/curl.h>
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <new>
#include <tuple>

#include "cli/commands.hpp"
#include "cli/gate_options.hpp"
#include "cli/option_checks.hpp"
#include "util/units.hpp"
#include "concur/version.hpp"
#include "run/case_plan.hpp"
#include "suite/suite_params.hpp"

int main(int argc, char** argv) {
  using namespace concur::cli;

  // glibc hands large blocks back to the kernel on free and re-faults them on
  // the next allocation, with a threshold that moves per arena: the same RC4
  // batch then ran 50% slower on the main thread than on a pool thread. Fixed
  // thresholds keep task buffers recycled, so strategies differ only in how
  // they run tasks. Set before plugins load: fork workers inherit it.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);

  // libcurl's global state must be set up before any thread exists.
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    print_error("curl_global_init failed");
    return exit_usage;
  }
  struct CurlGlobal {
    ~CurlGlobal() { curl_global_cleanup(); }
  } curl_global;

  CLI::App app{"concur: benchmark concurrency strategies (threads, TBB, processes, io_uring) on the same tasks"};
  app.set_version_flag("--version", std::string("concur ") + concur::version_string);
  app.require_subcommand(1);

  CommonOptions common;
  app.add_option("--plugin-dir", common.plugin_dirs, "Also load plugins from this folder (repeatable)")
      ->check(CLI::ExistingDirectory);

  CLI::App* list = app.add_subcommand("list", "List strategy plugins and workloads with their parameters");

  RunCommandOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a YAML suite, print speedup tables and write results JSON");
  run_cmd->add_option("suite", run.suite, "Suite file (YAML)")->required();
  run_cmd->add_option("--out,-o", run.out, "Results file (default results/<suite>-<UTC time>.json)");
  run_cmd->add_option("--strategy,-s", run.strategies, "Strategies to run, replacing the suite's (a,b or repeated)")
      ->delimiter(',');
  run_cmd->add_option("--workers,-w", run.workers, "Worker counts, replacing the suite's (1,2,4 or 1..4)")
      ->delimiter(',')
      ->check(integer_or_range_in(1, concur::suite_params::max_workers));
  run_cmd->add_option("--repetitions,-r", run.repetitions, "Timed repetitions per case")
      ->check(integer_in(1, concur::suite_params::max_repetitions));
  run_cmd->add_option("--filter,-f", run.filter, "Run only cases whose name matches this regular expression");
  run_cmd->add_option("--shard", run.shard, "Run only part I of N of the cases (I/N), for merging later")
      ->check(CLI::Validator(
          [](const std::string& text) {
            return concur::parse_shard(text) ? std::string() : "'" + text + "' is no shard; expected I/N with 1 <= I <= N";
          },
          "I/N"));
  run_cmd->add_option("--set", run.sets, "Override a workload parameter in every entry that has it (key=value; entry.key=value; key=a,b sweeps)");
  run_cmd->add_flag("--interleave", run.interleave, "Interleave repetitions of different cases randomly");
  run_cmd->add_option("--startup", run.startup, "Time strategies' start-up in every batch (timed) or not (untimed)")
      ->check(CLI::IsMember({"timed", "untimed"}));
  run_cmd->add_option("--memory-limit", run.memory_limit,
                      "Address space of the process running cases (default: the machine's memory; 0: none)");
  run_cmd->add_option("--case-timeout", run.case_timeout, "Fail a case still running after this long (default 10m)");
  CLI::Option* resume = run_cmd->add_option("--resume", run.resume, "Run the cases an interrupted run left out, completing its results file")
      ->check(CLI::ExistingFile);
  run_cmd->get_option("--out")->excludes(resume);
  run_cmd->add_flag("--child", run.child, "Run cases for a supervising concur")->group("");
  run_cmd->add_flag("--verbose,-v", run.verbose, "Log each task's start and end live, then results in submission order");
  run_cmd->add_flag("--quiet,-q", run.quiet, "No progress line on a terminal's stderr (errors are still printed)");
  std::filesystem::path plugin_file;
  CLI::App* check = app.add_subcommand(
      "check-plugin", "Run the conformance checks on one plugin file and print a pass/fail report (exit 0 or 1)");
  check->add_option("plugin", plugin_file, "Plugin shared library (.so)")->required()->check(CLI::ExistingFile);
  std::string check_timeout = "2m";
  check->add_option("--check-timeout", check_timeout, "Fail a check still running after this long")->capture_default_str();
  bool check_child = false;
  check->add_flag("--child", check_child, "Run checks for a supervising concur")->group("");

  FlagsOptions flags;
  CLI::App* flags_cmd = app.add_subcommand(
      "flags", "Download flag images with one strategy and tally them, as the original flags2 command did");
  flags_cmd->add_option("codes", flags.codes, "Country codes (CN) or letters (C: every code starting with it)");
  flags_cmd->add_flag("-a,--all", flags.all, "All 194 country codes");
  flags_cmd->add_flag("-e,--every", flags.every, "Every code from AA to ZZ (676)");
  flags_cmd->add_option("-l,--limit", flags.limit, "Only the first N codes")->check(integer_in(1, 676));
  flags_cmd->add_option("-m,--max-req", flags.max_req, "Concurrent requests (default 30; 1 for sequential)")
      ->check(integer_in(1, concur::suite_params::max_workers));
  flags_cmd->add_option("-s,--server", flags.server, "LOCAL, DELAY, ERROR or a base URL (default LOCAL)");
  flags_cmd->add_option("-S,--strategy", flags.strategy, "Strategy to download with (default threads)");
  flags_cmd->add_flag("-v,--verbose", flags.verbose, "A line per request instead of the progress bar");
  flags_cmd->add_option("--save", flags.save, "Write the images to this folder as <cc>.gif")->check(CLI::ExistingDirectory);
  std::filesystem::path export_dir;
  std::uint64_t export_seed = 42;
  CLI::App* export_cmd = flags_cmd->add_subcommand(
      "export", "Write DIR/flags/<cc>/<cc>.gif and DIR/flags/manifest.json, the files concur serve serves, for a static web server");
  export_cmd->add_option("dir", export_dir, "Folder to write into (created if missing)")->required();
  export_cmd->add_option("--seed", export_seed, "Seed of the flag images (concur serve's --seed)")->capture_default_str();

  ReportCommandOptions report;
  CLI::App* report_cmd = app.add_subcommand("report", "Speedup tables of a results file: time, speedups, efficiency, knee, noise");
  report_cmd->add_option("file", report.file, "Results file (JSON) written by concur run")->required();
  report_cmd->add_option("--format", report.format, "table, markdown, csv, json or html (one page, charts inline)")->capture_default_str();
  report_cmd->add_option("--baseline", report.baseline, "Strategy every speedup is also given against")->capture_default_str();
  report_cmd->add_option("-o,--out", report.out, "Write here instead of standard output");
  report_cmd->add_option("--max-cv", report.max_cv_percent, "Warn about cases whose coefficient of variation exceeds this (%)")->capture_default_str();
  PlotCommandOptions plot;
  CLI::App* plot_cmd = app.add_subcommand("plot", "Charts of a results file, drawn with gnuplot: speedup, task timeline, download outcomes");
  plot_cmd->add_option("file", plot.file, "Results file (JSON) written by concur run")->required();
  plot_cmd->add_option("-o,--out", plot.out, "Chart file, .svg or .png (several charts: OUT-<chart>-<group>.svg)")->required();
  plot_cmd->add_option("--chart", plot.chart, "speedup, timeline, outcomes or all")->capture_default_str();
  plot_cmd->add_option("--case", plot.case_name, "timeline: only this case (loiter/threads/workers:3)");
  plot_cmd->add_option("--baseline", plot.baseline, "Strategy the speedups are against, when it ran")->capture_default_str();
  MergeCommandOptions merge;
  CLI::App* merge_cmd = app.add_subcommand("merge", "Combine the results files of one suite's shards into one results file");
  merge_cmd->add_option("files", merge.inputs, "Results files of the shards (concur run --shard I/N)")->required();
  merge_cmd->add_option("--out,-o", merge.out, "The combined results file (written whole or not at all)")->required();

  for (CLI::App* sub : {list, run_cmd, flags_cmd}) sub->add_option("--plugin-dir", common.plugin_dirs, "Also load plugins from this folder (repeatable)")->check(CLI::ExistingDirectory);
  GateCommands gate(app, common);  // compare, calibrate, ab
  ServeCommandOptions serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve", "Serve the flag files over HTTP on 127.0.0.1 with seeded faults, until SIGINT or SIGTERM");
  serve_cmd->add_option("--profile", serve.profile, "local (no faults), delay (every response 1 s late) or error (25% errors, 50% 0.5 s late)")
      ->check(CLI::IsMember({"local", "delay", "error"}))
      ->capture_default_str();
  serve_cmd->add_option("--port", serve.port, "Port; 0 takes any free one (default: 8001 local, 8002 delay, 8003 error)")
      ->check(integer_in(0, 65535));
  serve_cmd->add_option("--bind", serve.bind, "Address to listen on")->capture_default_str();
  serve_cmd->add_option("--delay", serve.delay, "How long a delayed response waits (default: the profile's, 1s or 500ms)");
  serve_cmd->add_option("--seed", serve.seed, "Seed of the flag images and of the fault draws")->capture_default_str();
  for (auto [name, target, help] :
       {std::tuple{"--error", &serve.error, "Probability of a 500..503 error response (connection kept)"},
        std::tuple{"--blackout", &serve.blackout, "Probability of closing the connection without a reply"},
        std::tuple{"--reset", &serve.reset, "Probability of resetting the connection (TCP RST) without a reply"},
        std::tuple{"--hang", &serve.hang, "Probability of never replying (connection closed after --hang-time)"},
        std::tuple{"--slow", &serve.slow, "Probability of trickling the response over --slow-time"},
        std::tuple{"--truncate", &serve.truncate, "Probability of sending half the body, then closing"},
        std::tuple{"--malformed", &serve.malformed, "Probability of a 5xx with bare-LF headers and no length, then closing"}}) {
    serve_cmd->add_option(name, *target, help)->check(probability());
  }
  serve_cmd->add_option("--slow-time", serve.slow_time, "How long a slow response takes to trickle (default 2s)");
  serve_cmd->add_option("--hang-time", serve.hang_time, "How long a hung connection is held before closing (default 30s)");
  serve_cmd->add_flag("--log-faults", serve.log_faults, "Print one line to stderr per injected fault");
  serve_cmd->add_flag("--stop-on-stdin-eof", serve.stop_on_stdin_eof, "Stop when standard input closes")->group("");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, as every other concur error: CLI11's own print adds a second.
    print_error(std::string(e.what()) + " (see concur --help)");
    return exit_usage;
  }

  for (int i = 0; i < argc; ++i) run.command_line += (i ? " " : "") + std::string(argv[i]);
  run.arguments.assign(argv + 1, argv + argc);
  // What a command did not expect still ends as one line, not as std::terminate's report.
  try {
    if (*list) return list_command(common);
    if (*check) {
      if (check_child) return check_plugin_child(plugin_file);
      try {
        return check_plugin_command(plugin_file, concur::parse_duration(check_timeout));
      } catch (const std::invalid_argument& e) {
        print_error("--check-timeout " + check_timeout + ": " + e.what());
        return exit_usage;
      }
    }
    if (*export_cmd) return flags_export_command(export_dir, export_seed);
    if (*flags_cmd) return flags_command(common, flags);
    if (*serve_cmd) return serve_command(serve);
    if (*report_cmd) return report_command(report);
    if (*plot_cmd) return plot_command(plot);
    if (*merge_cmd) return merge_command(merge);
    if (const std::optional<int> code = gate.dispatch(common)) return *code;
    return run.child ? run_child(common, run) : run_command(common, run);
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
  } catch (const std::exception& e) {
    print_error(e.what());
  }
  return exit_usage;
}
