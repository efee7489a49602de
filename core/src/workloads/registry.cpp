// The table of built-in workload types: their parameters and the size of their batches.
#include <algorithm>

#include "util/units.hpp"
#include "workloads/factories.hpp"
#include "workloads/flag_codes.hpp"

namespace concur {
namespace {

std::string check_server(const std::string& server) {
  if (server == "local" || server == "delay" || server == "error") return {};
  if (server.rfind("http://", 0) == 0 || server.rfind("https://", 0) == 0) return {};
  return "'" + server + "' is no server; expected local, delay, error or a URL such as http://127.0.0.1:8001/flags";
}

constexpr std::int64_t KiB = 1024;
constexpr std::int64_t MiB = 1024 * KiB;
constexpr std::int64_t GiB = 1024 * MiB;
constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t s = 1000 * ms;

std::uint64_t count(const Params& params, const std::string& name) {
  return static_cast<std::uint64_t>(params.integer(name));
}

BatchSize rc4_batch(const Params& params) {
  BatchSize batch;
  for (const std::size_t bytes : rc4_job_sizes(params)) {
    ++batch.tasks;
    // Saturating: a total past 64 bits is past every limit anyway.
    if (__builtin_add_overflow(batch.input_bytes, bytes, &batch.input_bytes)) batch.input_bytes = UINT64_MAX;
  }
  return batch;
}

// `size` is capped per parameter, but spread makes the first jobs larger than it.
std::optional<ParamProblem> check_rc4_largest_job(const Params& params) {
  const std::vector<std::size_t> sizes = rc4_job_sizes(params);
  if (sizes.empty() || sizes.front() <= static_cast<std::uint64_t>(max_task_input_bytes)) return std::nullopt;
  return ParamProblem{"spread", "spread " + std::to_string(params.integer("spread")) + " makes the largest job " +
                                    format_size(sizes.front()) + " (size " + format_size(count(params, "size")) + ", " +
                                    std::to_string(sizes.size()) + " jobs); expected at most " +
                                    format_size(max_task_input_bytes) + " per job"};
}

std::optional<ParamProblem> check_fault_tasks(const Params& params) {
  const std::int64_t jobs = params.integer("jobs");
  for (const std::string list : {"throw_at", "crash_at", "hang_at"}) {
    for (const std::int64_t task : params.list(list)) {
      if (task >= jobs) {
        return ParamProblem{list, "task " + std::to_string(task) + " is not among the " + std::to_string(jobs) +
                                      " jobs; expected task numbers below jobs"};
      }
    }
  }
  return std::nullopt;
}

std::vector<WorkloadType> build_types() {
  return {
      {"rc4",
       "RC4 encrypts then decrypts a random buffer per job; the harness verifies the round trip",
       {
           {"jobs", ParamKind::integer, std::int64_t{12}, 0, max_batch_tasks, "number of tasks"},
           {"size", ParamKind::size, std::int64_t{256 * KiB}, 1, max_task_input_bytes, "base buffer size"},
           {"spread", ParamKind::integer, std::int64_t{12}, 0, 1000,
            "job i (jobs..1) gets size + size*(i - spread/2)/spread bytes, at most 1 GiB; 0 = all equal"},
           {"key", ParamKind::text, std::string{"concur"}, 1, 256, "RC4 key (1..256 bytes)"},
       },
       make_rc4_workload, rc4_batch, "jobs", check_rc4_largest_job},
      {"sha256",
       "OpenSSL EVP SHA-256 of one random buffer per job; the harness verifies each digest",
       {
           {"jobs", ParamKind::integer, std::int64_t{12}, 0, max_batch_tasks, "number of tasks"},
           {"size", ParamKind::size, std::int64_t{MiB}, 0, max_task_input_bytes, "buffer size per job"},
       },
       make_sha256_workload,
       [](const Params& p) { return BatchSize{count(p, "jobs"), count(p, "jobs") * count(p, "size")}; },
       "jobs"},
      {"loiter",
       "task n sleeps n*unit and returns n*10, like the executor demo",
       {
           {"durations", ParamKind::integer_list, std::vector<std::int64_t>{0, 1, 2, 3, 4}, 0, 86400,
            "multiples of unit, one task each: a list or {range: N} for 0..N-1"},
           {"unit", ParamKind::duration, std::int64_t{s}, 0, 3600 * s, "sleep per step of n"},
           {"repeat", ParamKind::integer, std::int64_t{1}, 1, max_batch_tasks,
            "the durations list, this many times over"},
       },
       make_loiter_workload,
       [](const Params& p) { return BatchSize{p.list("durations").size() * count(p, "repeat"), 0}; },
       "repeat"},
      {"fault",
       "tasks that sleep, or throw, crash or hang on purpose: checks how a strategy copes (crash_at needs a "
       "strategy that isolates tasks, hang_at a suite timeout)",
       {
           {"jobs", ParamKind::integer, std::int64_t{8}, 0, max_batch_tasks, "number of tasks"},
           {"sleep", ParamKind::duration, std::int64_t{10 * ms}, 0, 3600 * s, "how long a plain task sleeps"},
           {"throw_at", ParamKind::integer_list, std::vector<std::int64_t>{}, 0, max_batch_tasks, "tasks that throw"},
           {"crash_at", ParamKind::integer_list, std::vector<std::int64_t>{}, 0, max_batch_tasks,
            "tasks that abort their process"},
           {"hang_at", ParamKind::integer_list, std::vector<std::int64_t>{}, 0, max_batch_tasks,
            "tasks that sleep an hour"},
       },
       make_fault_workload, [](const Params& p) { return BatchSize{count(p, "jobs"), 0}; }, "jobs", check_fault_tasks},
      {"downloads",
       "one HTTP GET per flag image: ok (200, checked against the server's manifest), not_found (404) or error",
       {
           {"server", ParamKind::text, std::string{"local"}, 1, 4096,
            "an embedded server profile (local, delay, error), started by concur, or a base URL",
            [](const ParamValue& v) { return check_server(std::get<std::string>(v)); }},
           {"codes", ParamKind::words, std::vector<std::string>{"top20"}, 0, 0,
            "top20, all (194), every (AA..ZZ, 676), or codes and letters: [CN, US, B]",
            [](const ParamValue& v) { return check_code_words(std::get<std::vector<std::string>>(v)); }},
           {"limit", ParamKind::integer, std::int64_t{0}, 0, 676, "the first N codes after sorting; 0 = all"},
           {"repeat", ParamKind::integer, std::int64_t{1}, 1, max_batch_tasks, "the codes, this many times over"},
           {"timeout", ParamKind::duration, std::int64_t{10 * s}, 0, 3600 * s, "per request; 0 = none"},
           {"max_bytes", ParamKind::size, std::int64_t{MiB}, 1, GiB, "a longer body is an error"},
           {"save", ParamKind::text, std::string{}, 0, 4096, "a folder to write <cc>.gif files to; empty = none"},
       },
       make_downloads_workload,
       [](const Params& p) {
         const std::size_t codes = expand_codes(p.words("codes"), static_cast<std::size_t>(p.integer("limit"))).size();
         return BatchSize{codes * count(p, "repeat"), 0};
       },
       "repeat"},
  };
}

}  // namespace

const std::vector<WorkloadType>& workload_types() {
  static const std::vector<WorkloadType> types = build_types();
  return types;
}

const WorkloadType* find_workload_type(const std::string& name) {
  const auto& types = workload_types();
  auto it = std::find_if(types.begin(), types.end(), [&](const WorkloadType& t) { return t.name == name; });
  return it == types.end() ? nullptr : &*it;
}

}  // namespace concur
