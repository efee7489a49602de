#include "run/runner.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>

#include "host/host_services.hpp"
#include "run/run_reporter.hpp"
#include "run/task_log.hpp"
#include "server/server_process.hpp"
#include "util/statistics.hpp"
#include "util/units.hpp"

namespace concur {

bool SuiteRun::failed() const {
  return std::any_of(results.begin(), results.end(), [](const CaseResult& r) { return !r.failure.empty(); });
}

namespace {

std::string local_time_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  return buf;
}

std::string describe_problems(const std::vector<std::string>& problems) {
  std::string text = problems.front();
  if (problems.size() > 1) text += " (and " + std::to_string(problems.size() - 1) + " more)";
  return text;
}

// A strategy object serves every case of its plugin, started for one case at
// a time (startup: untimed); interleaved cases restart it, untimed.
struct Started {
  const Case* for_case = nullptr;
  CaseResult* result = nullptr;  // the case's, where a failed stop() is recorded
  RunReport report;              // what start() returned
  double seconds = 0;            // how long start() took, as the harness measured it
};

// Everything one case's benchmark function needs; lives until the run ends.
struct CaseContext {
  const Suite& suite;
  std::size_t index;  // into the run's cases
  const Case& c;
  const BuiltEntry& entry;
  CaseResult& result;
  TaskLog* log;
  std::ostream& out;
  std::map<Strategy*, Started>& started;
  const std::function<void(std::size_t)>& starting;

  Strategy& strategy() const { return *c.plugin->strategy; }
  bool remote_tasks() const { return c.plugin->strategy->isolates_tasks(); }
  RunOptions options() const {
    RunOptions o;
    o.workers = c.workers;
    o.task_timeout = suite.task_timeout;
    for (const auto& [name, setting] : suite.options) o.options[name] = setting.value;
    return o;
  }
  void note(const std::string& text) const {
    if (log) log->note(c.name + ": " + text);
  }
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Strategy::start, timed by the harness.
std::pair<RunReport, double> start(const CaseContext& ctx) {
  BatchRun batch(ctx.entry, ctx.remote_tasks(), nullptr);
  const auto t = std::chrono::steady_clock::now();
  RunReport report = ctx.strategy().start(batch, ctx.options());
  return {std::move(report), seconds_since(t)};
}

// One untimed batch, checked: empty when it was correct.
std::string untimed_batch(const CaseContext& ctx) {
  BatchRun batch(ctx.entry, ctx.remote_tasks(), ctx.log);
  const RunReport report = batch.run(ctx.strategy(), ctx.options());
  const BatchSummary s = batch.check(ctx.c.workers, report);
  return s.problems.empty() ? std::string() : describe_problems(s.problems);
}

// The case cannot go on: this and every later repetition fail with `why`.
void break_case(const CaseContext& ctx, benchmark::State& state, const std::string& why) {
  ctx.result.broken = true;
  if (ctx.result.failure.empty()) ctx.result.failure = why;
  state.SkipWithError(ctx.result.failure.c_str());
}

// Stops the strategy if it is started; the report of stop(), or an ok one.
// A failed stop fails the case the strategy was started for.
RunReport stop(Strategy& strategy, std::map<Strategy*, Started>& started) {
  auto it = started.find(&strategy);
  if (it == started.end()) return {};
  CaseResult* result = it->second.result;
  started.erase(it);
  RunReport stopped = strategy.stop();
  if (!stopped.ok && result->failure.empty()) result->failure = "stop: " + stopped.error;
  return stopped;
}

// startup: untimed. Makes sure the strategy is started for this case, with
// its warm-up batches run; false (the case broken) when that fails.
bool ensure_started(const CaseContext& ctx, benchmark::State& state) {
  Strategy& s = ctx.strategy();
  if (auto it = ctx.started.find(&s); it != ctx.started.end() && it->second.for_case == &ctx.c) return true;
  stop(s, ctx.started);
  ctx.note("start");
  auto [report, seconds] = start(ctx);
  const Started& now = ctx.started[&s] = Started{&ctx.c, &ctx.result, std::move(report), seconds};
  if (!now.report.ok) {
    break_case(ctx, state, "start: " + now.report.error);
    stop(s, ctx.started);
    return false;
  }
  for (unsigned i = 0; i < ctx.suite.warmup; ++i) {
    ctx.note("warm-up batch " + std::to_string(i + 1));
    if (std::string why = untimed_batch(ctx); !why.empty()) {
      break_case(ctx, state, "warm-up: " + why);
      stop(s, ctx.started);
      return false;
    }
  }
  return true;
}

// startup: timed. The warm-up, once per case: whole untimed start, run, stop cycles.
bool warm_up_cycles(const CaseContext& ctx, benchmark::State& state) {
  if (ctx.result.warmed) return true;
  ctx.result.warmed = true;
  for (unsigned i = 0; i < ctx.suite.warmup; ++i) {
    ctx.note("warm-up cycle " + std::to_string(i + 1));
    const RunReport started = start(ctx).first;
    std::string why = started.ok ? untimed_batch(ctx) : "start: " + started.error;
    const RunReport stopped = ctx.strategy().stop();
    if (why.empty() && !stopped.ok) why = "stop: " + stopped.error;
    if (!why.empty()) {
      break_case(ctx, state, "warm-up: " + why);
      return false;
    }
  }
  return true;
}

// build_entry, with a failure to make the inputs (memory, the inputs file)
// told as an error in the suite: limits are checked against the machine's
// memory, but not against what other processes hold.
BuiltEntry build_inputs(const WorkloadEntry& entry, std::size_t index, std::uint64_t seed) {
  const std::string where = entry.location.str() + ": workloads[" + std::to_string(index) + "]: ";
  try {
    return build_entry(entry, seed);
  } catch (const std::bad_alloc&) {
    throw ConfigError(where + "out of memory while making its inputs");
  } catch (const std::runtime_error& e) {
    throw ConfigError(where + e.what());
  }
}

void add_counters(benchmark::State& state, const std::map<std::string, double>& counters) {
  for (const auto& [name, value] : counters) state.counters[name] = value;
}

void run_case(const CaseContext& ctx, benchmark::State& state) {
  if (ctx.starting) ctx.starting(ctx.index);
  if (!ctx.c.unavailable.empty()) {
    ctx.result.failure = ctx.c.unavailable;
    state.SkipWithError(ctx.c.unavailable.c_str());
    return;
  }
  if (ctx.entry.workload->crashes_process() && !ctx.remote_tasks()) {
    ctx.result.failure = ctx.c.strategy + " runs tasks inside concur, and this workload crashes its process on purpose";
    state.SkipWithError(ctx.result.failure.c_str());
    return;
  }
  const bool last_repetition = ++ctx.result.repetitions_run == ctx.suite.repetitions;
  if (ctx.result.broken) {
    state.SkipWithError(ctx.result.failure.c_str());
    return;
  }
  Strategy& strategy = ctx.strategy();
  const RunOptions options = ctx.options();
  const bool timed_startup = ctx.suite.startup == Startup::timed;
  if (timed_startup ? !warm_up_cycles(ctx, state) : !ensure_started(ctx, state)) return;

  ctx.note("repetition " + std::to_string(ctx.result.repetitions_run));
  BatchRun batch(ctx.entry, ctx.remote_tasks(), ctx.log);
  RunReport report, started, stopped;
  double startup_seconds = 0;
  if (timed_startup) {
    BatchRun start_batch(ctx.entry, ctx.remote_tasks(), nullptr);
    for (auto _ : state) {
      const auto t = std::chrono::steady_clock::now();
      started = strategy.start(start_batch, options);
      startup_seconds = seconds_since(t);
      if (started.ok) report = batch.run(strategy, options);
      stopped = strategy.stop();
    }
    if (!started.ok) report = failed_run("start: " + started.error);
  } else {
    for (auto _ : state) report = batch.run(strategy, options);
    started = ctx.started.at(&strategy).report;
    startup_seconds = ctx.started.at(&strategy).seconds;
    if (last_repetition) stopped = stop(strategy, ctx.started);
  }
  BatchSummary s = batch.check(ctx.c.workers, report);
  if (!stopped.ok) s.problems.push_back("stop: " + stopped.error);
  std::vector<TaskRecord> records = batch.records();
  if (ctx.log) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      ctx.log->result(i, ctx.entry.workload->result_text(i, records[i].outcome));
    }
  }
  ctx.result.batch_tasks = records.size();
  records.resize(std::min(records.size(), max_timeline_records));
  ctx.result.timeline = std::move(records);
  ctx.result.external_cpu_seconds.push_back(
      report.external_cpu_seconds +
      (timed_startup ? started.external_cpu_seconds + stopped.external_cpu_seconds : 0.0));

  // The strategy's figures first: the harness's own, written after, keep
  // their names whatever a strategy reports.
  add_counters(state, started.counters);
  add_counters(state, report.counters);
  state.counters["tasks"] = static_cast<double>(s.tasks);
  state.counters["ok"] = static_cast<double>(s.ok);
  state.counters["not_found"] = static_cast<double>(s.not_found);
  state.counters["error"] = static_cast<double>(s.error);
  state.counters["bytes"] = static_cast<double>(s.bytes);
  state.counters["workers"] = ctx.c.workers;
  state.counters["peak_in_flight"] = s.peak_in_flight;
  state.counters["startup_seconds"] = startup_seconds;
  state.SetBytesProcessed(static_cast<std::int64_t>(s.bytes));

  if (!s.problems.empty()) {
    for (const std::string& p : s.problems) ctx.out << "  " << ctx.c.name << ": " << p << '\n';
    const std::string problems = describe_problems(s.problems);
    if (ctx.result.failure.empty()) ctx.result.failure = problems;
    state.SkipWithError(problems.c_str());
  }
}

// Google Benchmark's cpu_time is this process's; strategies with worker
// processes report those processes' CPU time, which is added here to each
// timed run of the case, and the cpu_time aggregates are recomputed from the sums.
void add_external_cpu_time(const std::vector<double>& extra, std::vector<benchmark::BenchmarkReporter::Run>& runs) {
  using Run = benchmark::BenchmarkReporter::Run;
  if (std::all_of(extra.begin(), extra.end(), [](double x) { return x == 0; })) return;
  std::vector<Run*> iterations, aggregates;
  for (Run& r : runs) (r.run_type == Run::RT_Iteration ? iterations : aggregates).push_back(&r);
  if (iterations.size() != extra.size()) return;  // a failed case: its times are not reported
  std::vector<double> cpu;  // seconds per iteration (one batch)
  for (std::size_t k = 0; k < iterations.size(); ++k) {
    const auto n = static_cast<double>(iterations[k]->iterations);
    iterations[k]->cpu_accumulated_time += extra[k] * n;
    cpu.push_back(iterations[k]->cpu_accumulated_time / n);
  }
  // Time aggregates hold statistic x iterations (Google Benchmark divides it
  // back out); the percentage one (cv) holds the ratio itself.
  for (Run* a : aggregates) {
    const auto n = static_cast<double>(a->iterations);
    if (a->aggregate_name == "mean") a->cpu_accumulated_time = mean(cpu) * n;
    else if (a->aggregate_name == "median") a->cpu_accumulated_time = median(cpu) * n;
    else if (a->aggregate_name == "stddev") a->cpu_accumulated_time = relative_stddev(cpu) * mean(cpu) * n;
    else if (a->aggregate_name == "cv") a->cpu_accumulated_time = relative_stddev(cpu);
  }
}

}  // namespace

std::string embedded_server_profile(const WorkloadEntry& entry) {
  if (entry.workload != "downloads") return {};
  const std::string& server = entry.params.text("server");
  return server == "local" || server == "delay" || server == "error" ? server : std::string();
}

SuiteRun run_suite(const Suite& suite, std::vector<Case> cases, const RunnerOptions& options, std::ostream& out) {
  using Run = benchmark::BenchmarkReporter::Run;
  SuiteRun run;
  run.cases = std::move(cases);
  run.results.resize(run.cases.size());

  // Embedded flag servers the entries name, one per profile, run for the
  // whole suite in processes of their own, started and stopped untimed,
  // unless the caller runs them.
  std::map<std::string, ServerProcess> servers;
  std::map<std::string, std::string> server_urls = options.servers;
  // Inputs are generated here, once per entry, so no timed batch pays for them.
  std::vector<BuiltEntry> entries(suite.entries.size());
  for (const Case& c : run.cases) {
    if (entries[c.entry].workload) continue;
    auto started = std::chrono::steady_clock::now();
    WorkloadEntry entry = suite.entries[c.entry];
    if (const std::string profile = embedded_server_profile(entry); !profile.empty()) {
      if (!server_urls.count(profile)) {
        const ServerProcess& server =
            servers.emplace(profile, ServerProcess({"--profile", profile, "--seed", std::to_string(suite.seed)}))
                .first->second;
        server_urls[profile] = server.base_url();
        out << "started the embedded " << profile << " flag server at " << server.base_url() << " (untimed)\n";
      }
      entry.params.set("server", server_urls.at(profile));
    }
    entries[c.entry] = build_inputs(entry, c.entry, suite.seed);
    const Workload& workload = *entries[c.entry].workload;
    out << "prepared " << c.group << ": " << workload.size() << " tasks";
    if (workload.bytes() > 0) out << ", " << format_size(workload.bytes()) << " of input";
    out << " in " << format_seconds(seconds_since(started)) << " (untimed)\n";
  }

  std::vector<std::string> flags = {"concur"};
  if (suite.interleave) flags.push_back("--benchmark_enable_random_interleaving=true");
  std::vector<char*> argv;
  for (std::string& f : flags) argv.push_back(f.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());

  std::unique_ptr<TaskLog> log = options.verbose ? std::make_unique<TaskLog>(out) : nullptr;
  std::map<Strategy*, Started> started;
  std::vector<CaseContext> contexts;
  contexts.reserve(run.cases.size());
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const Case& c = run.cases[i];
    contexts.push_back(
        CaseContext{suite, i, c, entries[c.entry], run.results[i], log.get(), out, started, options.case_starting});
  }
  auto enlist = [&](std::size_t i) {
    benchmark::RegisterBenchmark(run.cases[i].name.c_str(), [ctx = &contexts[i]](benchmark::State& state) {
      run_case(*ctx, state);
    })
        ->Iterations(1)
        ->Repetitions(static_cast<int>(suite.repetitions))
        ->UseRealTime()
        ->MeasureProcessCPUTime()
        ->Unit(benchmark::kMillisecond);
  };
  // Runs the enlisted cases; each is handed over as soon as all of it is reported.
  RunReporter reporter(out);
  auto run_enlisted = [&](std::size_t first, std::size_t last) {
    const std::size_t seen = reporter.runs().size();
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();
    run.machine = MachineFacts{reporter.num_cpus(), reporter.mhz_per_cpu(), reporter.cpu_scaling_enabled(),
                               reporter.load_avg(), reporter.caches()};
    for (std::size_t i = first; i < last; ++i) {
      std::vector<Run> runs;
      for (std::size_t k = seen; k < reporter.runs().size(); ++k) {
        if (reporter.runs()[k].run_name.function_name == run.cases[i].name) runs.push_back(reporter.runs()[k]);
      }
      add_external_cpu_time(run.results[i].external_cpu_seconds, runs);
      run.runs.insert(run.runs.end(), runs.begin(), runs.end());
      if (options.case_finished) options.case_finished(run, i, runs);
    }
  };

  out << "running " << run.cases.size() << " cases x " << suite.repetitions << " repetitions"
      << (suite.warmup ? " (+" + std::to_string(suite.warmup) + " warm-up)" : std::string()) << ", start-up "
      << to_string(suite.startup) << '\n';
  run.started_at = local_time_now();
  if (suite.interleave) {
    // Repetitions of every case mixed: a case ends only when all have.
    for (std::size_t i = 0; i < run.cases.size(); ++i) enlist(i);
    run_enlisted(0, run.cases.size());
  } else {
    for (std::size_t i = 0; i < run.cases.size(); ++i) {
      enlist(i);
      run_enlisted(i, i + 1);
    }
  }
  while (!started.empty()) stop(*started.begin()->first, started);
  return run;
}

}  // namespace concur
