// `concur flags`: the original flags2 command line, downloading flag images with any strategy.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "host/host_services.hpp"
#include "host/plugin_loader.hpp"
#include "run/batch_run.hpp"
#include "server/country_codes.hpp"
#include "server/flag_tree.hpp"
#include "server/server_process.hpp"
#include "server/stats_client.hpp"
#include "workloads/flag_codes.hpp"

namespace concur::cli {
namespace {

std::string plural(std::size_t n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

struct UniqueSocket {
  explicit UniqueSocket(int descriptor) : fd(descriptor) {}
  ~UniqueSocket() {
    if (fd >= 0) ::close(fd);
  }
  UniqueSocket(const UniqueSocket&) = delete;
  UniqueSocket& operator=(const UniqueSocket&) = delete;
  int fd;
};

struct Site {
  std::string label;  // LOCAL, DELAY, ERROR or URL
  std::string url;
};

// The original test servers' addresses: LOCAL, DELAY and ERROR on ports 8001..8003.
std::optional<Site> site_for(const std::string& server) {
  std::string label = server;
  std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return std::toupper(c); });
  if (label == "LOCAL") return Site{label, "http://127.0.0.1:8001/flags"};
  if (label == "DELAY") return Site{label, "http://127.0.0.1:8002/flags"};
  if (label == "ERROR") return Site{label, "http://127.0.0.1:8003/flags"};
  if (server.rfind("http://", 0) == 0 || server.rfind("https://", 0) == 0) return Site{"URL", server};
  return std::nullopt;
}

// True when something accepts a TCP connection on 127.0.0.1:`port`.
bool answers(std::uint16_t port) {
  const UniqueSocket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(s.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

// "146 ok, 357 not found, 173 errors (faults: error 173, delay 341)".
std::string counted(const ServerStats& before, const ServerStats& after) {
  std::string text = std::to_string(after.ok - before.ok) + " ok, " + std::to_string(after.not_found - before.not_found) +
                     " not found, " + plural(after.error - before.error, "error");
  std::string faults;
  for (const FaultKind kind : injected_faults) {
    if (const std::uint64_t n = after.fault(kind) - before.fault(kind); n > 0) {
      faults += (faults.empty() ? "" : ", ") + std::string(fault_name(kind)) + " " + std::to_string(n);
    }
  }
  return faults.empty() ? text : text + " (faults: " + faults + ")";
}

// "Searching for 3 flags: BR CN IN", or "from AA to ZZ" beyond ten.
std::string searching(const std::vector<std::string>& codes) {
  std::string text = "Searching for " + plural(codes.size(), "flag") + ": ";
  if (codes.empty()) return text + "none";
  if (codes.size() > 10) return text + "from " + codes.front() + " to " + codes.back();
  for (std::size_t i = 0; i < codes.size(); ++i) text += (i ? " " : "") + codes[i];
  return text;
}

}  // namespace

int flags_command(const CommonOptions& common, const FlagsOptions& options) {
  std::vector<std::string> words = options.codes;
  if (options.every) words = {"every"};
  else if (options.all) words = {"all"};
  else if (words.empty()) words = {"top20"};
  if (const std::string problem = check_code_words(words); !problem.empty()) {
    print_error("flags: " + problem);
    return exit_usage;
  }
  std::optional<Site> site = site_for(options.server);
  if (!site) {
    print_error("flags: --server '" + options.server + "': expected LOCAL, DELAY, ERROR or a URL");
    return exit_usage;
  }
  const std::vector<std::string> codes = expand_codes(words, options.limit);

  // A label whose port nothing answers on gets concur's own server, started
  // with that profile on any free port, for this command only.
  std::optional<ServerProcess> embedded;
  if (site->label != "URL") {
    const std::uint16_t port = site->label == "LOCAL" ? 8001 : site->label == "DELAY" ? 8002 : 8003;
    if (!answers(port)) {
      std::string profile = site->label;
      std::transform(profile.begin(), profile.end(), profile.begin(), [](unsigned char c) { return std::tolower(c); });
      try {
        embedded.emplace(std::vector<std::string>{"--profile", profile});
      } catch (const std::exception& e) {
        print_error("flags: cannot start the embedded " + profile + " server: " + e.what());
        return exit_case_failed;
      }
      site->url = embedded->base_url();
      std::cout << "Nothing answers on 127.0.0.1:" << port << "; started concur's " << profile << " server.\n";
    }
  }

  PluginSet plugins = load_plugins(plugin_search_path(common.plugin_dirs));
  for (const std::string& e : plugins.errors) print_error("plugin not loaded: " + e);
  const LoadedPlugin* plugin = plugins.find(options.strategy);
  if (!plugin) {
    std::string loaded;
    for (const std::string& n : plugins.names()) loaded += (loaded.empty() ? "" : " ") + n;
    print_error("flags: --strategy '" + options.strategy + "': no such strategy; loaded: " + loaded);
    return exit_usage;
  }
  if (!plugin->availability.available) {
    print_error("flags: " + options.strategy + " is unavailable: " + plugin->availability.reason);
    return exit_case_failed;
  }
  Strategy& strategy = *plugin->strategy;

  WorkloadEntry entry;
  entry.workload = "downloads";
  for (const ParamSpec& spec : find_workload_type("downloads")->params) entry.params.set(spec.name, spec.default_value);
  entry.params.set("server", site->url);
  entry.params.set("codes", codes);
  entry.params.set("save", options.save);
  const BuiltEntry built = build_entry(entry, 42);

  unsigned workers = options.max_req.value_or(options.strategy == "sequential" ? 1 : 30);
  if (strategy.max_workers() != 0) workers = std::min(workers, strategy.max_workers());
  workers = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(workers, codes.size())));

  std::cout << site->label << " site: " << site->url << '\n'
            << searching(codes) << '\n'
            << plural(workers, "concurrent connection") << " will be used.\n"
            << std::flush;

  // A server that counts what it answers (concur's own) is asked before and after.
  std::optional<ServerStats> before;
  try {
    before = fetch_stats(site->url);
  } catch (const std::exception&) {
  }

  RunOptions run;
  run.workers = workers;
  std::unique_ptr<TaskLog> log = options.verbose ? std::make_unique<TaskLog>(std::cout) : nullptr;
  BatchRun batch(built, strategy.isolates_tasks(), log.get());
  BatchSummary summary;
  const auto began = std::chrono::steady_clock::now();
  {
    ProgressBar progress(codes.size(), !options.verbose);
    batch.on_task_end([&progress] { progress.tick(); });
    BatchRun start_batch(built, strategy.isolates_tasks(), nullptr);
    RunReport report = strategy.start(start_batch, run);
    if (report.ok) report = batch.run(strategy, run);
    const RunReport stopped = strategy.stop();
    if (report.ok && !stopped.ok) report = stopped;
    summary = batch.check(workers, report);
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();

  std::cout << "--------------------\n"
            << (summary.ok == 1 ? "1 flag downloaded.\n" : std::to_string(summary.ok) + " flags downloaded.\n")
            << summary.not_found << " not found.\n"
            << plural(summary.error, "error") << ".\n";
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", elapsed);
  std::cout << "Elapsed time: " << seconds << "s\n";
  if (before) {
    try {
      std::cout << "Server counted: " << counted(*before, fetch_stats(site->url)) << ".\n";
    } catch (const std::exception& e) {
      print_error(std::string("flags: ") + e.what());
    }
  }
  for (const std::string& p : summary.problems) print_error("flags: " + p);
  return summary.problems.empty() ? exit_ok : exit_case_failed;
}

int flags_export_command(const std::filesystem::path& dir, std::uint64_t seed) {
  try {
    export_flag_tree(dir, seed);
  } catch (const std::exception& e) {
    print_error(std::string("flags export: ") + e.what());
    return exit_case_failed;
  }
  std::cout << "wrote " << country_codes().size() << " flags and manifest.json to " << (dir / "flags").string() << '\n';
  return exit_ok;
}

}  // namespace concur::cli
