#include "suite/sweeps.hpp"

#include <algorithm>
#include <map>

#include "suite/yaml_bounds.hpp"

namespace concur {
namespace {

using suite_params::Origin;
using suite_params::parse_range;
using suite_params::Value;

// A value as case names show it: plain numbers (bytes, nanoseconds), lists joined by ','.
std::string label(const ParamValue& value) {
  if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  std::vector<std::string> items;
  if (const auto* list = std::get_if<std::vector<std::int64_t>>(&value)) {
    for (const std::int64_t n : *list) items.push_back(std::to_string(n));
  } else {
    items = std::get<std::vector<std::string>>(value);
  }
  return suite_params::join(items, ",");
}

void add(Sweep& sweep, ParamValue value) {
  sweep.labels.push_back(label(value));
  sweep.values.push_back(std::move(value));
}

// The values of a range, each read as the scalar it stands for, so that
// the parameter's own limits and checks apply.
void add_range(Sweep& sweep, const ParamSpec& spec, std::pair<std::int64_t, std::int64_t> range, const Value& at) {
  if (spec.kind != ParamKind::integer) at.fail("a range is for integer parameters; expected a list of values");
  // In unsigned arithmetic: the difference of two far-apart int64 values overflows int64.
  if (static_cast<std::uint64_t>(range.second) - static_cast<std::uint64_t>(range.first) >= max_parameter_sets) {
    at.fail("a range of more than " + std::to_string(max_parameter_sets) + " values; expected at most " +
            std::to_string(max_parameter_sets));
  }
  for (std::int64_t n = range.first; n <= range.second; ++n) {
    // Loaded, not constructed: a constructed node is tagged as no plain integer is.
    add(sweep, suite_params::read_param(spec, Value(at.origin(), YAML::Load(std::to_string(n)), at.path(), at.mark())));
  }
}

const ParamSpec* find_spec(const WorkloadType& type, const std::string& name) {
  const auto it = std::find_if(type.params.begin(), type.params.end(), [&](const ParamSpec& s) { return s.name == name; });
  return it == type.params.end() ? nullptr : &*it;
}

}  // namespace

std::vector<Sweep> read_matrix(const Value& matrix, const WorkloadType& type) {
  const auto members = suite_params::read_map(matrix, "a map of parameters to lists of values");
  std::vector<std::string> names;
  for (const ParamSpec& spec : type.params) names.push_back(spec.name);
  suite_params::check_keys(matrix, members, names);
  if (members.empty()) matrix.fail("the matrix is empty; expected parameters to sweep");
  std::vector<Sweep> sweeps;
  for (const auto& m : members) {
    const ParamSpec& spec = *find_spec(type, m.name);
    Sweep sweep{m.name, {}, {}};
    const YAML::Node& node = m.value.node();
    if (node.IsScalar()) {
      const auto range = parse_range(node.Scalar());
      if (!range) m.value.fail_expected("a list of values, or a range such as 1..4");
      add_range(sweep, spec, *range, m.value);
    } else if (node.IsSequence() && node.size() > 0) {
      for (std::size_t i = 0; i < node.size(); ++i) add(sweep, suite_params::read_param(spec, m.value.element(i, node[i])));
    } else {
      m.value.fail_expected("a non-empty list of values, or a range such as 1..4");
    }
    for (std::size_t i = 0; i < sweep.labels.size(); ++i) {
      if (std::find(sweep.labels.begin(), sweep.labels.begin() + static_cast<std::ptrdiff_t>(i), sweep.labels[i]) !=
          sweep.labels.begin() + static_cast<std::ptrdiff_t>(i)) {
        m.value.fail(sweep.labels[i] + " is listed twice; expected each value once");
      }
    }
    sweeps.push_back(std::move(sweep));
  }
  return sweeps;
}

std::vector<std::string> split_sweep(std::string_view text) {
  std::vector<std::string> parts;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

Sweep read_set_sweep(const Origin& origin, const ParamSpec& spec, const std::string& text) {
  const auto none = YAML::Mark::null_mark();
  Sweep sweep{spec.name, {}, {}};
  const std::vector<std::string> parts = split_sweep(text);
  if (parts.size() == 1) {
    if (const auto range = parse_range(text)) {
      add_range(sweep, spec, *range, Value(origin, YAML::Node(text), spec.name, none));
      return sweep;
    }
  }
  for (const std::string& part : parts) {
    YAML::Node node;
    try {
      node = suite_params::read_bounded_yaml(origin, part, spec.name).first;
    } catch (const YAML::Exception& e) {
      suite_params::fail(origin, none, spec.name, "invalid YAML: " + e.msg);
    }
    add(sweep, suite_params::read_param(spec, Value(origin, node, spec.name, none)));
    if (std::count(sweep.labels.begin(), sweep.labels.end(), sweep.labels.back()) > 1) {
      suite_params::fail(origin, none, spec.name, sweep.labels.back() + " is listed twice; expected each value once");
    }
  }
  return sweep;
}

void expand_entries(Suite& suite) {
  std::size_t sets = 0;
  for (const WorkloadEntry& w : suite.written) {
    std::size_t product = 1;
    for (const Sweep& s : w.sweeps) {
      product = product > max_parameter_sets / s.values.size() ? max_parameter_sets + 1 : product * s.values.size();
    }
    sets += product;
    if (sets > max_parameter_sets) {
      suite_params::fail(w.location, "workloads", "the entries expand to more than " +
                                                      std::to_string(max_parameter_sets) +
                                                      " parameter sets; expected at most " +
                                                      std::to_string(max_parameter_sets) + " (a matrix multiplies)");
    }
  }

  std::map<std::string, int> unnamed;  // entries of each workload so far, for "rc4#2"
  std::map<std::string, SourceLocation> taken;
  std::vector<WorkloadEntry> entries;
  for (const WorkloadEntry& w : suite.written) {
    WorkloadEntry base = w;
    base.sweeps.clear();
    if (!w.named) {
      const int ordinal = ++unnamed[w.workload];
      base.name = ordinal == 1 ? w.workload : w.workload + "#" + std::to_string(ordinal);
    }
    // Odometer over the sweeps: the last one turns fastest.
    std::vector<std::size_t> at(w.sweeps.size(), 0);
    for (;;) {
      WorkloadEntry e = base;
      for (std::size_t k = 0; k < w.sweeps.size(); ++k) {
        const Sweep& s = w.sweeps[k];
        e.params.set(s.param, s.values[at[k]]);
        e.given[s.param] = w.location;
        e.swept.emplace_back(s.param, s.labels[at[k]]);
      }
      const std::string group = group_name(e);
      if (const auto [it, fresh] = taken.emplace(group, w.location); !fresh) {
        suite_params::fail(w.location, "name", "'" + group + "' is the name of an entry before it (" +
                                                   it->second.str() + "); expected each entry's name once");
      }
      entries.push_back(std::move(e));
      std::size_t k = w.sweeps.size();
      while (k > 0 && ++at[k - 1] == w.sweeps[k - 1].values.size()) at[--k] = 0;
      if (k == 0) break;
    }
  }
  suite.entries = std::move(entries);
}

}  // namespace concur
