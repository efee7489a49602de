#include "results/results_merge.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

namespace concur {
namespace {

using nlohmann::json;

// What a field holds, or null: absent fields and fields of the wrong kind read alike.
const json& field(const json& object, const char* key) {
  static const json none;
  if (!object.is_object()) return none;
  const auto it = object.find(key);
  return it == object.end() ? none : *it;
}

const json& suite_sha256(const json& doc) { return field(field(field(doc, "context"), "suite"), "sha256"); }

// The union of `chains` in one order that keeps each chain's, where the
// chains agree. What they leave unordered goes by `tie` when it orders it,
// else by first appearance (chains in argument order); where they disagree
// (a cycle), the first item not yet placed goes next.
std::vector<std::string> merge_orders(const std::vector<std::vector<std::string>>& chains,
                                      const std::function<bool(const std::string&, const std::string&)>& tie = {}) {
  std::vector<std::string> items;
  std::map<std::string, std::size_t> index;
  for (const auto& chain : chains) {
    for (const std::string& item : chain) {
      if (index.emplace(item, items.size()).second) items.push_back(item);
    }
  }
  std::vector<std::set<std::size_t>> after(items.size());
  std::vector<std::size_t> before(items.size(), 0);  // predecessors not yet placed
  for (const auto& chain : chains) {
    for (std::size_t k = 1; k < chain.size(); ++k) {
      const std::size_t a = index.at(chain[k - 1]), b = index.at(chain[k]);
      if (a != b && after[a].insert(b).second) ++before[b];
    }
  }
  const auto first = [&](std::size_t a, std::size_t b) {
    if (tie && tie(items[a], items[b])) return true;
    if (tie && tie(items[b], items[a])) return false;
    return a < b;
  };
  std::set<std::size_t, decltype(first)> ready(first);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (before[i] == 0) ready.insert(i);
  }
  std::vector<bool> placed(items.size(), false);
  std::vector<std::string> order;
  while (order.size() < items.size()) {
    std::size_t next = 0;
    if (!ready.empty()) {
      next = *ready.begin();
      ready.erase(ready.begin());
    } else {
      while (placed[next]) ++next;
    }
    placed[next] = true;
    order.push_back(items[next]);
    for (const std::size_t b : after[next]) {
      if (!placed[b] && --before[b] == 0) ready.insert(b);
    }
  }
  return order;
}

std::map<std::string, std::size_t> ranks(const std::vector<std::string>& order) {
  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < order.size(); ++i) rank.emplace(order[i], i);
  return rank;
}

// One case of one input: its benchmark entries, in that file's order.
struct CaseEntries {
  std::string name;
  std::size_t input = 0;
  std::vector<json> entries;
  // The plan's coordinates, when the entries carry them (docs/RESULTS.md).
  std::string group, strategy, workers;
  bool located = false;
};

std::vector<CaseEntries> cases_of(const ResultsInput& input, std::size_t input_index) {
  std::vector<CaseEntries> cases;
  std::map<std::string, std::size_t> at;
  for (const json& b : input.doc.at("benchmarks")) {
    const std::string name = b.at("run_name").get<std::string>();
    auto [it, fresh] = at.emplace(name, cases.size());
    if (fresh) {
      CaseEntries c;
      c.name = name;
      c.input = input_index;
      const json &group = field(b, "group"), &strategy = field(b, "strategy"), &workers = field(b, "workers");
      c.located = group.is_string() && strategy.is_string() && workers.is_number();
      if (c.located) {
        c.group = group.get<std::string>();
        c.strategy = strategy.get<std::string>();
        c.workers = workers.dump();
      }
      cases.push_back(std::move(c));
    }
    cases[it->second].entries.push_back(b);
  }
  return cases;
}

// Distinct values in order of first appearance.
void append_distinct(std::vector<std::string>& chain, const std::string& value) {
  if (std::find(chain.begin(), chain.end(), value) == chain.end()) chain.push_back(value);
}

// The plan is entries x strategies x worker counts, in the suite's order: a
// shard's cases are a subsequence of it, and each level's order is merged
// across the shards, so cases split between shards (round robin or in
// blocks) fall back into place. `cases` come in argument order, each file's
// as it is, which is what stays without the coordinates on every case.
void order_as_planned(std::vector<CaseEntries>& cases, const std::vector<ResultsInput>& inputs,
                      std::vector<std::string>& group_order) {
  const bool located = std::all_of(cases.begin(), cases.end(), [](const CaseEntries& c) { return c.located; });
  if (!located) return;  // as read: each file's order, files in argument order
  std::vector<std::vector<std::string>> group_chains;
  for (const ResultsInput& input : inputs) {  // the groups each file lists, in the plan's order
    std::vector<std::string> chain;
    for (const json& g : field(field(input.doc, "context"), "groups")) {
      if (field(g, "group").is_string()) append_distinct(chain, g["group"].get<std::string>());
    }
    group_chains.push_back(std::move(chain));
  }
  std::map<std::string, std::vector<std::vector<std::string>>> strategy_chains, worker_chains;
  std::vector<std::vector<std::string>> case_groups(inputs.size());
  std::map<std::pair<std::size_t, std::string>, std::vector<std::string>> strategies_in;  // (input, group)
  std::map<std::tuple<std::size_t, std::string, std::string>, std::vector<std::string>> workers_in;
  for (const CaseEntries& c : cases) {
    append_distinct(case_groups[c.input], c.group);
    append_distinct(strategies_in[{c.input, c.group}], c.strategy);
    append_distinct(workers_in[{c.input, c.group, c.strategy}], c.workers);
  }
  group_chains.insert(group_chains.end(), case_groups.begin(), case_groups.end());
  for (const auto& [key, chain] : strategies_in) strategy_chains[key.second].push_back(chain);
  for (const auto& [key, chain] : workers_in) worker_chains[std::get<1>(key)].push_back(chain);

  group_order = merge_orders(group_chains);
  const auto group_rank = ranks(group_order);
  std::map<std::string, std::map<std::string, std::size_t>> strategy_rank, worker_rank;
  for (const auto& [group, chains] : strategy_chains) strategy_rank[group] = ranks(merge_orders(chains));
  // Worker counts no shard orders go from fewest to most, as suites list them:
  // a round-robin split of workers [1, 2] puts each in another shard.
  const auto fewer = [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); };
  for (const auto& [group, chains] : worker_chains) worker_rank[group] = ranks(merge_orders(chains, fewer));
  const auto key = [&](const CaseEntries& c) {
    return std::tuple(group_rank.at(c.group), strategy_rank.at(c.group).at(c.strategy),
                      worker_rank.at(c.group).at(c.workers));
  };
  std::stable_sort(cases.begin(), cases.end(),
                   [&](const CaseEntries& a, const CaseEntries& b) { return key(a) < key(b); });
}

// The items of every input's `context.<key>` array, each once (equal JSON), in order of first appearance.
json united(const std::vector<ResultsInput>& inputs, const char* key) {
  json all = json::array();
  for (const ResultsInput& input : inputs) {
    for (const json& item : field(field(input.doc, "context"), key)) {
      if (std::find(all.begin(), all.end(), item) == all.end()) all.push_back(item);
    }
  }
  return all;
}

void check_same(const ResultsInput& first, const ResultsInput& other, const char* key, const char* what) {
  const json &a = field(field(first.doc, "context"), key), &b = field(field(other.doc, "context"), key);
  if (a != b) {
    throw MergeError(first.path + " has context." + key + " " + a.dump() + ", " + other.path + " has " + b.dump() +
                     "; expected shards run by " + what);
  }
}

}  // namespace

ResultsInput read_results_input(const std::filesystem::path& path) {
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    throw MergeError(path.string() + ": is a folder; expected a results file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MergeError(path.string() + ": cannot read: " + std::strerror(errno));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw MergeError(path.string() + ": cannot read: " + std::strerror(errno));
  return results_input(path.string(), text);
}

ResultsInput results_input(const std::string& shown, const std::string& text) {
  ResultsInput input{shown, json::parse(text, nullptr, false)};
  const auto refuse = [&](const std::string& why) {
    throw MergeError(shown + ": not a concur results file: " + why + "; expected the JSON file `concur run` writes");
  };
  if (input.doc.is_discarded()) refuse("not valid JSON");
  const json& context = field(input.doc, "context");
  if (!context.is_object()) refuse("no context object");
  if (!field(context, "concur_version").is_string()) refuse("no context.concur_version");
  if (!field(context, "concur_abi_version").is_number_integer()) refuse("no context.concur_abi_version");
  if (!suite_sha256(input.doc).is_string()) refuse("no context.suite.sha256");
  const json& benchmarks = field(input.doc, "benchmarks");
  if (!benchmarks.is_array()) refuse("no benchmarks array");
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    if (!field(benchmarks[i], "run_name").is_string()) refuse("benchmarks[" + std::to_string(i) + "] has no run_name");
  }
  const json& timelines = field(input.doc, "timelines");
  if (!timelines.is_null() && !timelines.is_array()) refuse("timelines is not an array");
  return input;
}

json merge_results(const std::vector<ResultsInput>& inputs) {
  if (inputs.empty()) throw MergeError("no results files to merge");
  const ResultsInput& first = inputs.front();
  for (const ResultsInput& other : inputs) {
    if (suite_sha256(other.doc) != suite_sha256(first.doc)) {
      throw MergeError(first.path + " and " + other.path + " are results of different suites (context.suite.sha256 " +
                       suite_sha256(first.doc).get<std::string>() + " and " +
                       suite_sha256(other.doc).get<std::string>() + "); expected shards of one suite");
    }
    check_same(first, other, "concur_version", "one concur version");
    check_same(first, other, "concur_abi_version", "one concur ABI");
  }

  std::vector<CaseEntries> cases;
  std::map<std::string, std::size_t> seen_in;  // case -> input
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (CaseEntries& c : cases_of(inputs[i], i)) {
      if (const auto [it, fresh] = seen_in.emplace(c.name, i); !fresh) {
        throw MergeError("case " + c.name + " is in both " + inputs[it->second].path + " and " + inputs[i].path +
                         "; expected each case in one shard");
      }
      cases.push_back(std::move(c));
    }
  }
  std::vector<std::string> group_order;
  order_as_planned(cases, inputs, group_order);

  json benchmarks = json::array();
  for (std::size_t k = 0; k < cases.size(); ++k) {
    for (json& b : cases[k].entries) {
      if (b.contains("family_index")) b["family_index"] = k;  // the results' order, whichever shard ran it
      benchmarks.push_back(std::move(b));
    }
  }
  json timelines = json::array();
  for (const ResultsInput& input : inputs) {
    for (const json& t : field(input.doc, "timelines")) timelines.push_back(t);
  }

  json context = first.doc.at("context");
  context.erase("shard");
  json shards = json::array();
  for (const ResultsInput& input : inputs) {
    const json& c = input.doc.at("context");
    json shard = {{"path", input.path}, {"host_name", field(c, "host_name")}, {"date", field(c, "date")}};
    if (c.contains("shard")) shard["shard"] = c["shard"];
    shards.push_back(std::move(shard));
  }
  context["shards"] = std::move(shards);
  for (const char* key : {"plugins", "plugin_files"}) {
    if (context.contains(key)) context[key] = united(inputs, key);
  }
  if (context.contains("groups")) {
    json groups = united(inputs, "groups");
    const auto rank = ranks(group_order);  // empty when the cases carry no groups: the order stays
    const auto place = [&](const json& g) {
      const json& name = field(g, "group");
      const auto it = name.is_string() ? rank.find(name.get<std::string>()) : rank.end();
      return it == rank.end() ? rank.size() : it->second;
    };
    std::stable_sort(groups.begin(), groups.end(), [&](const json& a, const json& b) { return place(a) < place(b); });
    context["groups"] = std::move(groups);
  }
  for (const ResultsInput& input : inputs) {  // any shard cut short leaves the whole run short
    const json& interrupted = field(field(input.doc, "context"), "interrupted");
    if (!interrupted.is_object()) continue;
    if (!context.contains("interrupted")) {
      context["interrupted"] = interrupted;
    } else if (&input != &first) {
      for (const json& m : field(interrupted, "missing_cases")) context["interrupted"]["missing_cases"].push_back(m);
    }
  }
  return json{
      {"context", std::move(context)}, {"benchmarks", std::move(benchmarks)}, {"timelines", std::move(timelines)}};
}

}  // namespace concur
