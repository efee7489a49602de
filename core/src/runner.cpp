#include "runner.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>

#include "host_services.hpp"
#include "run_reporter.hpp"
#include "statistics.hpp"
#include "task_log.hpp"
#include "units.hpp"

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

// Everything one case's benchmark function needs; lives until the run ends.
struct CaseContext {
  const Suite& suite;
  const Case& c;
  const Workload& workload;
  const std::string& description;  // of the entry, for Batch::description()
  CaseResult& result;
  TaskLog* log;
  std::ostream& out;
};

RunOptions run_options(const CaseContext& ctx) {
  RunOptions options;
  options.workers = ctx.c.workers;
  options.task_timeout = ctx.suite.task_timeout;
  options.options = ctx.suite.options;
  return options;
}

// Runs one batch untimed or timed (`state` given) and checks it.
BatchSummary run_batch(const CaseContext& ctx, benchmark::State* state, RunReport& report,
                       std::vector<TaskRecord>* timeline) {
  BatchRun batch(ctx.workload, ctx.description, ctx.log);
  const RunOptions options = run_options(ctx);
  if (state) {
    for (auto _ : *state) report = ctx.c.plugin->strategy->run(batch, options);
  } else {
    report = ctx.c.plugin->strategy->run(batch, options);
  }
  BatchSummary summary = batch.check(ctx.c.workers, report);
  if (ctx.log) {
    for (std::size_t i = 0; i < batch.records().size(); ++i) {
      ctx.log->result(i, ctx.workload.result_text(i, batch.records()[i].outcome));
    }
  }
  if (timeline) *timeline = batch.records();
  return summary;
}

void run_case(const CaseContext& ctx, benchmark::State& state) {
  if (!ctx.c.unavailable.empty()) {
    ctx.result.failure = ctx.c.unavailable;
    state.SkipWithError(ctx.c.unavailable.c_str());
    return;
  }
  if (ctx.workload.crashes_process() && !ctx.c.plugin->strategy->isolates_tasks()) {
    ctx.result.failure = ctx.c.strategy + " runs tasks inside concur, and this workload crashes its process on purpose";
    state.SkipWithError(ctx.result.failure.c_str());
    return;
  }
  if (!ctx.result.prepared) {
    ctx.result.prepared = true;
    BatchRun batch(ctx.workload, ctx.description, nullptr);
    const RunReport prepared = ctx.c.plugin->strategy->prepare(batch, run_options(ctx));
    if (!prepared.ok) {
      ctx.result.failure = "prepare: " + prepared.error;
      state.SkipWithError(ctx.result.failure.c_str());
      return;
    }
    for (unsigned i = 0; i < ctx.suite.warmup; ++i) {
      if (ctx.log) ctx.log->note(ctx.c.name + ": warm-up batch " + std::to_string(i + 1));
      RunReport report;
      BatchSummary s = run_batch(ctx, nullptr, report, nullptr);
      if (!s.problems.empty()) {
        ctx.result.failure = "warm-up: " + describe_problems(s.problems);
        state.SkipWithError(ctx.result.failure.c_str());
        return;
      }
    }
  }
  if (ctx.log) {
    ctx.log->note(ctx.c.name + ": repetition " + std::to_string(ctx.result.external_cpu_seconds.size() + 1));
  }
  RunReport report;
  BatchSummary s = run_batch(ctx, &state, report, &ctx.result.timeline);
  ctx.result.external_cpu_seconds.push_back(report.external_cpu_seconds);

  state.counters["tasks"] = static_cast<double>(s.tasks);
  state.counters["ok"] = static_cast<double>(s.ok);
  state.counters["not_found"] = static_cast<double>(s.not_found);
  state.counters["error"] = static_cast<double>(s.error);
  state.counters["bytes"] = static_cast<double>(s.bytes);
  state.counters["workers"] = ctx.c.workers;
  state.counters["peak_in_flight"] = s.peak_in_flight;
  for (const auto& [name, value] : report.counters) state.counters[name] = value;
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
// timed run, and the cpu_time aggregates are recomputed from the sums.
void add_external_cpu_time(SuiteRun& run) {
  using Run = benchmark::BenchmarkReporter::Run;
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const std::vector<double>& extra = run.results[i].external_cpu_seconds;
    if (std::all_of(extra.begin(), extra.end(), [](double x) { return x == 0; })) continue;
    std::vector<Run*> iterations, aggregates;
    for (Run& r : run.runs) {
      if (r.run_name.function_name != run.cases[i].name) continue;
      (r.run_type == Run::RT_Iteration ? iterations : aggregates).push_back(&r);
    }
    if (iterations.size() != extra.size()) continue;  // a failed case: its times are not reported
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
}

}  // namespace

SuiteRun run_suite(const Suite& suite, std::vector<Case> cases, const RunnerOptions& options, std::ostream& out) {
  SuiteRun run;
  run.cases = std::move(cases);
  run.results.resize(run.cases.size());

  // Inputs are generated here, once per entry, so no timed batch pays for them.
  std::vector<std::unique_ptr<Workload>> workloads(suite.entries.size());
  std::vector<std::string> descriptions(suite.entries.size());
  for (const Case& c : run.cases) {
    if (workloads[c.entry]) continue;
    const WorkloadEntry& entry = suite.entries[c.entry];
    auto started = std::chrono::steady_clock::now();
    workloads[c.entry] = find_workload_type(entry.workload)->create(entry.params, suite.seed);
    descriptions[c.entry] = describe_entry(entry, suite.seed);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    out << "prepared " << c.entry_name << ": " << workloads[c.entry]->size() << " tasks";
    if (workloads[c.entry]->bytes() > 0) out << ", " << format_size(workloads[c.entry]->bytes()) << " of input";
    out << " in " << format_seconds(took.count()) << " (untimed)\n";
  }

  std::vector<std::string> flags = {"concur"};
  if (suite.interleave) flags.push_back("--benchmark_enable_random_interleaving=true");
  std::vector<char*> argv;
  for (std::string& f : flags) argv.push_back(f.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());

  std::unique_ptr<TaskLog> log = options.verbose ? std::make_unique<TaskLog>(out) : nullptr;
  std::vector<CaseContext> contexts;
  contexts.reserve(run.cases.size());
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const Case& c = run.cases[i];
    contexts.push_back(
        CaseContext{suite, c, *workloads[c.entry], descriptions[c.entry], run.results[i], log.get(), out});
    benchmark::RegisterBenchmark(c.name.c_str(), [ctx = &contexts.back()](benchmark::State& state) {
      run_case(*ctx, state);
    })
        ->Iterations(1)
        ->Repetitions(static_cast<int>(suite.repetitions))
        ->UseRealTime()
        ->MeasureProcessCPUTime()
        ->Unit(benchmark::kMillisecond);
  }

  out << "running " << run.cases.size() << " cases x " << suite.repetitions << " repetitions"
      << (suite.warmup ? " (+" + std::to_string(suite.warmup) + " warm-up)" : std::string()) << '\n';
  run.started_at = local_time_now();
  RunReporter reporter(out);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();

  run.runs = reporter.runs();
  add_external_cpu_time(run);
  run.machine = MachineFacts{reporter.num_cpus(), reporter.mhz_per_cpu(), reporter.cpu_scaling_enabled(),
                             reporter.load_avg(), reporter.caches()};
  return run;
}

}  // namespace concur
