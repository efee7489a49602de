#include "suite/suite.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <variant>

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include "suite/suite_limits.hpp"
#include "suite/suite_params.hpp"
#include "suite/sweeps.hpp"
#include "suite/yaml_bounds.hpp"

namespace concur {
namespace {

using suite_params::Member;
using suite_params::Origin;
using suite_params::Value;

const std::vector<std::string> top_level_keys{"name",    "repetitions", "warmup",  "interleave", "startup", "seed",
                                              "strategies", "workers",  "options", "timeout",   "case_timeout", "workloads"};

unsigned online_cpus() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

// A task running longer than this is an error outcome; 0 (the default) means no limit.
const ParamSpec timeout_spec{"timeout", ParamKind::duration, std::int64_t{0}, 0, 24LL * 3600 * 1'000'000'000, ""};

// How long a whole case (every repetition, warm-up and start-up) may run.
const ParamSpec case_timeout_spec{"case_timeout", ParamKind::duration, std::int64_t{600'000'000'000},
                                  1'000'000'000, 7LL * 24 * 3600 * 1'000'000'000, ""};

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Read once, so the digest and the parse see the same bytes.
std::string read_file(const std::filesystem::path& file) {
  const auto cannot_read = [&] {
    suite_params::fail(Origin{file.string(), false}, YAML::Mark::null_mark(), "",
                       std::string("cannot read: ") + std::strerror(errno));
  };
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.c_str(), "rb"));
  if (!f) cannot_read();
  std::string bytes;
  char buffer[1 << 14];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f.get())) > 0) bytes.append(buffer, n);
  // A directory opens fine on Linux and fails only here, with EISDIR.
  if (std::ferror(f.get())) cannot_read();
  return bytes;
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

// The default results file is results/<name>-<time>.json: a name is one
// plain file-name part, of a length that leaves room for the rest.
constexpr std::size_t max_name_length = 100;
const std::string name_expected =
    "up to " + std::to_string(max_name_length) + " letters, digits, '.', '_' and '-', other than . and ..";

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

bool is_suite_name(const std::string& name) {
  return !name.empty() && name.size() <= max_name_length && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), is_name_char);
}

// A file may be called anything; what a name may not hold becomes '_'.
std::string name_from_file(const std::filesystem::path& file) {
  std::string name = file.stem().string().substr(0, max_name_length);
  std::replace_if(name.begin(), name.end(), [](char c) { return !is_name_char(c); }, '_');
  return is_suite_name(name) ? name : "suite";
}

std::vector<std::string> workload_names() {
  std::vector<std::string> names;
  for (const auto& type : workload_types()) names.push_back(type.name);
  return names;
}

const WorkloadType& read_workload_type(const Value& value) {
  const std::string expected = "a workload name: one of " + suite_params::join(workload_names());
  const std::string name = suite_params::read_scalar(value, expected);
  if (const WorkloadType* type = find_workload_type(name)) return *type;
  const std::string suggestion = nearest(name, workload_names());
  value.fail("unknown workload '" + name + "'; " +
             (suggestion.empty() ? "expected one of " + suite_params::join(workload_names())
                                 : "did you mean '" + suggestion + "'?"));
}

// "3%": the relative change of a median that compare and ab call significant.
double read_threshold(const Value& value) {
  const std::string expected = "a percentage above 0 and at most 100, such as 3%";
  const std::string text = suite_params::read_scalar(value, expected);
  char* end = nullptr;
  const double percent = text.size() > 1 && text.back() == '%' ? std::strtod(text.c_str(), &end) : 0;
  if (end != text.c_str() + text.size() - 1 || !(percent > 0 && percent <= 100)) value.fail_expected(expected);
  return percent / 100;
}

WorkloadEntry read_entry(const Value& value, const std::vector<std::string>& strategies,
                         const std::vector<unsigned>& workers, const std::vector<std::string>& known_strategies) {
  const auto members = suite_params::read_map(value, "a map with a 'workload' key and its parameters");
  const Member* workload = suite_params::find_member(members, "workload");
  if (workload == nullptr) {
    value.fail("missing key 'workload'; expected one of " + suite_params::join(workload_names()));
  }
  const WorkloadType& type = read_workload_type(workload->value);

  std::vector<std::string> allowed{"workload", "name", "threshold", "matrix", "strategies", "workers"};
  for (const ParamSpec& spec : type.params) allowed.push_back(spec.name);
  suite_params::check_keys(value, members, allowed);

  WorkloadEntry entry;
  entry.workload = type.name;
  entry.strategies = strategies;
  entry.workers = workers;
  entry.location = value.location();
  for (const ParamSpec& spec : type.params) {
    const Member* given = suite_params::find_member(members, spec.name);
    entry.params.set(spec.name, given ? suite_params::read_param(spec, given->value) : spec.default_value);
    if (given) entry.given[spec.name] = given->value.location();
  }
  if (const Member* m = suite_params::find_member(members, "name")) {
    entry.name = suite_params::read_scalar(m->value, "an entry name");
    if (!is_suite_name(entry.name)) {
      m->value.fail(suite_params::describe(m->value.node()) + " is no entry name; expected " + name_expected);
    }
    entry.named = true;
  }
  if (const Member* m = suite_params::find_member(members, "threshold")) entry.threshold = read_threshold(m->value);
  if (const Member* m = suite_params::find_member(members, "matrix")) {
    entry.sweeps = read_matrix(m->value, type);
    for (const Sweep& sweep : entry.sweeps) {
      if (const Member* both = suite_params::find_member(members, sweep.param)) {
        both->value.fail("'" + sweep.param + "' is also swept by the entry's matrix; expected it in one place");
      }
    }
  }
  if (const Member* m = suite_params::find_member(members, "strategies")) {
    entry.strategies = suite_params::read_strategies(m->value, known_strategies);
  }
  if (const Member* m = suite_params::find_member(members, "workers")) {
    entry.workers = suite_params::read_workers(m->value);
  }
  return entry;
}

// Items in the entry's list parameters, {range: N} expanded.
std::size_t list_items(const WorkloadEntry& entry) {
  std::size_t items = 0;
  for (const auto& [name, value] : entry.params.all()) {
    if (const auto* numbers = std::get_if<std::vector<std::int64_t>>(&value)) items += numbers->size();
    if (const auto* words = std::get_if<std::vector<std::string>>(&value)) items += words->size();
  }
  return items;
}

std::string too_many_list_items(std::size_t items) {
  return "the lists of the suite's entries hold " + std::to_string(items) + " items in all; expected at most " +
         std::to_string(suite_params::max_total_list_items);
}

suite_params::YamlDocuments parse_yaml(const Origin& origin, const std::string& text) {
  try {
    return suite_params::read_bounded_yaml(origin, text, "");
  } catch (const YAML::ParserException& e) {
    suite_params::fail(origin, e.mark, "", "invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    suite_params::fail(origin, e.mark, "", "invalid YAML: " + e.msg);
  }
}

Suite read_suite(const Origin& origin, const YAML::Node& document, const std::vector<std::string>& known) {
  const Value root(origin, document, "", document.Mark());
  const std::string expected = "a map of suite settings with a 'workloads' list";
  // yaml-cpp marks a null document at the end of the stream; the top is clearer.
  if (document.IsNull()) suite_params::fail(origin, YAML::Mark::null_mark(), "", "empty document; expected " + expected);
  const auto members = suite_params::read_map(root, expected);
  suite_params::check_keys(root, members, top_level_keys);

  Suite suite;
  std::vector<std::string> strategies{"all"};
  // Without `workers`, one per online CPU, as a process pool executor defaults to.
  std::vector<unsigned> workers{online_cpus()};
  const Member* workloads = nullptr;
  for (const Member& m : members) {
    const Value& v = m.value;
    if (m.name == "name") {
      suite.name = suite_params::read_scalar(v, "a suite name");
      if (!is_suite_name(suite.name)) {
        v.fail(suite_params::describe(v.node()) + " is no suite name; expected " + name_expected);
      }
    } else if (m.name == "repetitions") {
      suite.repetitions = static_cast<unsigned>(suite_params::read_integer(v, 1, suite_params::max_repetitions));
    } else if (m.name == "warmup") {
      suite.warmup = static_cast<unsigned>(suite_params::read_integer(v, 0, suite_params::max_warmup));
    } else if (m.name == "interleave") {
      suite.interleave = suite_params::read_bool(v);
    } else if (m.name == "startup") {
      const std::optional<Startup> startup = parse_startup(suite_params::read_scalar(v, "timed or untimed"));
      if (!startup) v.fail_expected("timed or untimed");
      suite.startup = *startup;
    } else if (m.name == "seed") {
      suite.seed = suite_params::read_unsigned(v);
    } else if (m.name == "strategies") {
      strategies = suite_params::read_strategies(v, known);
    } else if (m.name == "workers") {
      workers = suite_params::read_workers(v);
    } else if (m.name == "options") {
      suite.options = suite_params::read_options(v);
    } else if (m.name == "timeout") {
      suite.task_timeout = std::chrono::nanoseconds(std::get<std::int64_t>(suite_params::read_param(timeout_spec, v)));
    } else if (m.name == "case_timeout") {
      suite.case_timeout = std::chrono::nanoseconds(std::get<std::int64_t>(suite_params::read_param(case_timeout_spec, v)));
    } else if (m.name == "workloads") {
      workloads = &m;  // last: its entries inherit strategies and workers, wherever those are written
    }
  }

  if (workloads == nullptr) root.fail("missing key 'workloads'; expected a list of workloads to run");
  const Value& list = workloads->value;
  if (!list.node().IsSequence()) list.fail_expected("a list of workloads");
  if (list.node().size() == 0) list.fail("the list is empty; expected at least one workload");
  std::size_t items = 0;
  for (std::size_t i = 0; i < list.node().size(); ++i) {
    const Value element = list.element(i, list.node()[i]);
    suite.written.push_back(read_entry(element, strategies, workers, known));
    suite.written.back().index = i;
    // Checked entry by entry: memory stops growing at the first entry past the limit.
    items += list_items(suite.written.back());
    if (items > suite_params::max_total_list_items) element.fail(too_many_list_items(items));
  }
  return suite;
}

// Every entry whose workload type has parameter `key` gets `value`.
// `ENTRY.key`: only the entries of that name (their `name:`, else their workload).
void apply_set(Suite& suite, const std::string& scoped_key, const std::string& value) {
  // A value can be a whole pasted list: messages quote only its start.
  const Origin origin{"--set " + scoped_key + "=" + suite_params::one_line(value), false};
  const auto none = YAML::Mark::null_mark();
  const std::size_t dot = scoped_key.rfind('.');
  const std::string scope = dot == std::string::npos ? "" : scoped_key.substr(0, dot);
  const std::string key = scoped_key.substr(dot == std::string::npos ? 0 : dot + 1);
  if (key.empty()) suite_params::fail(origin, none, "", "empty parameter name; expected --set [entry.]key=value");
  const auto in_scope = [&](const WorkloadEntry& entry) {
    return scope.empty() || scope == (entry.named ? entry.name : entry.workload);
  };
  if (std::none_of(suite.written.begin(), suite.written.end(), in_scope)) {
    std::set<std::string> entries;
    for (const WorkloadEntry& entry : suite.written) entries.insert(entry.named ? entry.name : entry.workload);
    suite_params::fail(origin, none, "", "no entry is named '" + scope + "'; entries here: " +
                                             suite_params::join({entries.begin(), entries.end()}));
  }

  std::set<std::string> parameters_here;
  bool any = false;
  for (const WorkloadEntry& entry : suite.written) {
    if (!in_scope(entry)) continue;
    for (const ParamSpec& spec : find_workload_type(entry.workload)->params) {
      parameters_here.insert(spec.name);
      any = any || spec.name == key;
    }
  }
  // The whole (short) list beats a guess: "nokey" is two edits from "key".
  if (!any) {
    const std::vector<std::string> names(parameters_here.begin(), parameters_here.end());
    suite_params::fail(origin, none, "",
                       "no workload in this suite has a parameter '" + key +
                           "'; parameters here: " + suite_params::join(names));
  }

  // Several values (a,b or 1..4) sweep the parameter, replacing any sweep of it.
  const bool sweep = split_sweep(value).size() > 1 || suite_params::parse_range(value);
  YAML::Node node;
  if (!sweep) {
    try {
      node = suite_params::read_bounded_yaml(origin, value, key).first;
    } catch (const YAML::Exception& e) {
      suite_params::fail(origin, none, key, "invalid YAML: " + e.msg);
    }
  }
  const Value parsed(origin, node, key, none);
  std::size_t items = 0;
  for (WorkloadEntry& entry : suite.written) {
    if (!in_scope(entry)) continue;
    const auto& specs = find_workload_type(entry.workload)->params;
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.name == key; });
    // Each entry checks the value against its own type's limits (rc4 needs
    // size >= 1, sha256 accepts 0).
    if (spec != specs.end()) {
      const auto swept = std::find_if(entry.sweeps.begin(), entry.sweeps.end(), [&](const Sweep& s) { return s.param == key; });
      if (sweep) {
        Sweep read = read_set_sweep(origin, *spec, value);
        if (swept != entry.sweeps.end()) {
          *swept = std::move(read);
        } else {
          entry.sweeps.push_back(std::move(read));
        }
      } else {
        if (swept != entry.sweeps.end()) entry.sweeps.erase(swept);
        entry.params.set(key, suite_params::read_param(*spec, parsed));
      }
      entry.given[key] = SourceLocation{origin.name};
    }
    items += list_items(entry);
    if (items > suite_params::max_total_list_items) suite_params::fail(origin, none, "", too_many_list_items(items));
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The parameter sets, and the limits on them all together.
void finish(Suite& suite) {
  expand_entries(suite);
  std::size_t items = 0;
  for (const WorkloadEntry& entry : suite.entries) {
    items += list_items(entry);
    if (items > suite_params::max_total_list_items) suite_params::fail(entry.location, "", too_many_list_items(items));
  }
  check_limits(suite);
}

}  // namespace

std::string group_name(const WorkloadEntry& entry) {
  std::string name = entry.name;
  for (const auto& [param, value] : entry.swept) name += "/" + param + ":" + value;
  return name;
}

std::string SourceLocation::str() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Suite load_suite(const std::filesystem::path& file, const std::vector<std::string>& known_strategies) {
  return parse_suite(read_file(file), file, known_strategies);
}

Suite parse_suite(const std::string& bytes, const std::filesystem::path& file,
                  const std::vector<std::string>& known_strategies) {
  const Origin origin{file.string(), true};
  const suite_params::YamlDocuments documents = parse_yaml(origin, bytes);
  if (documents.count == 0) {
    suite_params::fail(origin, YAML::Mark::null_mark(), "",
                       "empty document; expected a map of suite settings with a 'workloads' list");
  }
  if (documents.count > 1) {
    suite_params::fail(origin, documents.second, "", "a second YAML document; expected one suite per file");
  }
  Suite suite = read_suite(origin, documents.first, known_strategies);
  finish(suite);
  suite.path = file;
  suite.sha256 = sha256_hex(bytes);
  if (suite.name.empty()) suite.name = name_from_file(file);
  return suite;
}

void apply_overrides(Suite& suite, const Overrides& overrides, const std::vector<std::string>& known_strategies) {
  // On a copy, so a bad override leaves the suite as it was.
  Suite result = suite;
  if (overrides.strategies) {
    suite_params::check_strategies(Origin{"--strategy", false}, *overrides.strategies, known_strategies);
    for (auto& entry : result.written) entry.strategies = *overrides.strategies;
  }
  if (overrides.workers) {
    suite_params::check_workers(Origin{"--workers", false}, *overrides.workers);
    for (auto& entry : result.written) entry.workers = *overrides.workers;
  }
  if (overrides.repetitions) {
    const unsigned n = *overrides.repetitions;
    if (n < 1 || n > suite_params::max_repetitions) {
      suite_params::fail(Origin{"--repetitions", false}, YAML::Mark::null_mark(), "",
                         std::to_string(n) + " is out of range; expected an integer from 1 to " +
                             std::to_string(suite_params::max_repetitions));
    }
    result.repetitions = n;
  }
  if (overrides.interleave) result.interleave = *overrides.interleave;
  if (overrides.startup) result.startup = *overrides.startup;
  if (overrides.case_timeout) {
    const Value given(Origin{"--case-timeout", false}, YAML::Node(*overrides.case_timeout), "",
                      YAML::Mark::null_mark());
    result.case_timeout = std::chrono::nanoseconds(std::get<std::int64_t>(suite_params::read_param(case_timeout_spec, given)));
  }
  for (const auto& [key, value] : overrides.sets) apply_set(result, key, value);
  finish(result);
  suite = std::move(result);
}

const char* to_string(Startup startup) noexcept { return startup == Startup::timed ? "timed" : "untimed"; }

std::optional<Startup> parse_startup(std::string_view text) noexcept {
  if (text == "timed") return Startup::timed;
  if (text == "untimed") return Startup::untimed;
  return std::nullopt;
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.empty()) return "";
  const std::string needle = lower(word);
  // Case is ignored: "Repetitions" is plainly "repetitions".
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(needle, lower(candidate));
    // Rewriting every character of both words is no resemblance ("ab" vs "cd").
    if (d >= std::max(word.size(), candidate.size())) continue;
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace concur
