// Suite value readers: typed values out of YAML nodes, failing with one-line errors that point at the node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "suite/suite.hpp"
#include "workloads/workload.hpp"

namespace concur {

// Splits one `--set key=value` argument (at the first '='). Throws ConfigError
// for a missing '=' or an empty key, so the CLI reports them like every other
// suite error.
std::pair<std::string, std::string> parse_set_option(std::string_view text);

namespace suite_params {

inline constexpr std::int64_t max_workers = 100'000;
inline constexpr std::int64_t max_repetitions = 1000;
inline constexpr std::int64_t max_warmup = 100;
// Items in all the lists of a suite's entries together ({range: N} counts N).
// One entry may hold a million; entries repeating such a list (pasted, or one
// YAML alias named down a list of entries) would allocate gigabytes.
inline constexpr std::size_t max_total_list_items = 1'000'000;

// Where values come from. A suite file gives every error a line:column; the
// YAML of a command-line option is a fragment whose positions would only confuse.
struct Origin {
  std::string name;  // "configs/x.yaml", "--set unit=abc", "--workers"
  bool has_positions = true;
};

// Where `mark` is in `origin`; no line (0) when the origin has no positions.
SourceLocation location(const Origin& origin, const YAML::Mark& mark);

// Throws ConfigError "origin[:line:column]: [path: ]problem", forced onto one line.
[[noreturn]] void fail(const Origin& origin, const YAML::Mark& mark, const std::string& path,
                       const std::string& problem);
[[noreturn]] void fail(const SourceLocation& at, const std::string& path, const std::string& problem);

// A node being read, with the key path that names it in messages ("workloads[0].size")
// and the position to blame. Refers to its Origin, which must outlive it.
class Value {
 public:
  Value(const Origin& origin, YAML::Node node, std::string path, YAML::Mark mark);

  const Origin& origin() const { return *origin_; }
  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  const YAML::Mark& mark() const { return mark_; }
  SourceLocation location() const { return suite_params::location(*origin_, mark_); }

  // The value of a map member. yaml-cpp marks an absent value (`key:` alone)
  // at whatever token follows it, so such a value is blamed on its key.
  Value member(const std::string& name, const YAML::Node& key, const YAML::Node& value) const;
  Value element(std::size_t index, const YAML::Node& node) const;

  [[noreturn]] void fail(const std::string& problem) const;
  [[noreturn]] void fail_expected(const std::string& expected) const;  // "expected X, got Y"

 private:
  const Origin* origin_;
  YAML::Node node_;
  std::string path_;
  YAML::Mark mark_;
};

struct Member {
  std::string name;
  YAML::Node key;
  Value value;
};

// A map's members in document order. Rejects a non-map (saying `expected`),
// keys that are not plain names, and a key given twice (yaml-cpp keeps both).
std::vector<Member> read_map(const Value& map, const std::string& expected);

// Rejects a key outside `allowed`, suggesting the nearest allowed one.
void check_keys(const Value& map, const std::vector<Member>& members, const std::vector<std::string>& allowed);

const Member* find_member(const std::vector<Member>& members, const std::string& name);

std::string one_line(std::string_view text);     // control characters escaped, long text cut
std::string describe(const YAML::Node& node);    // "\"abc\"", "a list", "a map", "nothing"
std::string join(const std::vector<std::string>& words, std::string_view separator = ", ");

std::int64_t read_integer(const Value& value, std::int64_t min, std::int64_t max);
std::uint64_t read_unsigned(const Value& value);  // 0..UINT64_MAX
bool read_bool(const Value& value);
// Any non-null scalar, as written.
std::string read_scalar(const Value& value, const std::string& expected);

ParamValue read_param(const ParamSpec& spec, const Value& value);

// "1..4" as {1, 4}; nullopt for anything else ("3", and first > last, included).
std::optional<std::pair<std::int64_t, std::int64_t>> parse_range(std::string_view text);

// An integer, a range such as 1..4, or a non-empty list of distinct integers, each 1..max_workers.
std::vector<unsigned> read_workers(const Value& value);
// A name or a non-empty list of distinct names, each "all" or a known strategy.
std::vector<std::string> read_strategies(const Value& value, const std::vector<std::string>& known);
// A map of scalars, kept as written with where they were written.
std::map<std::string, OptionSetting> read_options(const Value& value);

// The same rules for overrides that arrive from the command line already typed.
void check_workers(const Origin& origin, const std::vector<unsigned>& workers);
void check_strategies(const Origin& origin, const std::vector<std::string>& names,
                      const std::vector<std::string>& known);

}  // namespace suite_params
}  // namespace concur
