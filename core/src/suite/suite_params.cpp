#include "suite/suite_params.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include "suite/suite.hpp"
#include "util/escape.hpp"
#include "util/units.hpp"

namespace concur {
namespace suite_params {
namespace {

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

// Values quoted in messages are cut: the point is to recognise them, not to
// reprint a pasted paragraph.
constexpr std::size_t max_quoted_bytes = 60;

constexpr std::string_view size_expected = "a size like 4096, 256KiB or 1MiB";
constexpr std::string_view duration_expected = "a duration like 100ms, 1.5s or 2m";
constexpr std::string_view list_expected = "a list of integers or {range: N}";

std::string cut(std::string_view text) {
  if (text.size() <= max_quoted_bytes) return std::string(text);
  std::size_t end = max_quoted_bytes;
  // Never split a UTF-8 sequence: back up over continuation bytes.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

std::string quote_value(std::string_view text) { return '"' + escape_controls(cut(text), true) + '"'; }

// yaml-cpp resolves no tags: a plain scalar has the non-specific tag "?", a
// quoted one "!". Only plain scalars (or explicitly tagged ones) are numbers
// and booleans, as in YAML itself.
bool is_plain(const YAML::Node& node, std::string_view explicit_tag) {
  return node.IsScalar() && (node.Tag() == "?" || node.Tag() == explicit_tag);
}

struct Integer {
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool too_big = false;  // more than 64 bits of magnitude
};

// YAML 1.2 core schema decimal integers: [-+]?[0-9]+.
std::optional<Integer> parse_integer(std::string_view text) {
  Integer result;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    result.negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (__builtin_mul_overflow(result.magnitude, 10u, &result.magnitude) ||
        __builtin_add_overflow(result.magnitude, digit, &result.magnitude)) {
      result.too_big = true;
    }
  }
  return result;
}

std::optional<std::int64_t> to_int64(const Integer& n) {
  if (n.too_big) return std::nullopt;
  const auto limit = static_cast<std::uint64_t>(int64_max);
  if (!n.negative) {
    if (n.magnitude > limit) return std::nullopt;
    return static_cast<std::int64_t>(n.magnitude);
  }
  if (n.magnitude > limit + 1) return std::nullopt;
  if (n.magnitude == limit + 1) return int64_min;
  return -static_cast<std::int64_t>(n.magnitude);
}

bool looks_typed(std::string_view text) {
  static const std::set<std::string_view> booleans{"true", "True", "TRUE", "false", "False", "FALSE"};
  return parse_integer(text).has_value() || booleans.count(text) != 0;
}

std::string integer_range(std::int64_t min, std::int64_t max) {
  if (max == int64_max) {
    return min == int64_min ? "an integer" : "an integer of at least " + std::to_string(min);
  }
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string size_range(std::int64_t min, std::int64_t max) {
  const auto low = format_size(static_cast<std::uint64_t>(std::max<std::int64_t>(min, 0)));
  if (max == int64_max) return "a size of at least " + low;
  return "a size from " + low + " to " + format_size(static_cast<std::uint64_t>(std::max<std::int64_t>(max, 0)));
}

std::string duration_range(std::int64_t min, std::int64_t max) {
  const auto low = format_duration(std::chrono::nanoseconds{min});
  if (max == int64_max) return "a duration of at least " + low;
  return "a duration from " + low + " to " + format_duration(std::chrono::nanoseconds{max});
}

[[noreturn]] void out_of_range(const Value& value, const std::string& expected) {
  value.fail(escape_controls(cut(value.node().Scalar())) + " is out of range; expected " + expected);
}

// Parses with units.cpp, whose invalid_argument already says "expected ..., got ...".
template <typename Parse>
std::int64_t read_with_unit(const Value& value, std::string_view expected, const std::string& range,
                            std::int64_t min, std::int64_t max, Parse parse) {
  if (!value.node().IsScalar()) value.fail_expected(std::string(expected));
  std::uint64_t amount = 0;
  try {
    amount = parse(value.node().Scalar());
  } catch (const std::invalid_argument& e) {
    value.fail(e.what());
  }
  if (amount > static_cast<std::uint64_t>(int64_max)) out_of_range(value, range);
  const auto signed_amount = static_cast<std::int64_t>(amount);
  if (signed_amount < min || signed_amount > max) out_of_range(value, range);
  return signed_amount;
}

std::vector<std::int64_t> read_integer_list(const ParamSpec& spec, const Value& value) {
  const YAML::Node& node = value.node();
  std::vector<std::int64_t> list;
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      list.push_back(read_integer(value.element(i, node[i]), spec.min, spec.max));
    }
    return list;
  }
  if (!node.IsMap()) value.fail_expected(std::string(list_expected));

  const auto members = read_map(value, std::string(list_expected));
  check_keys(value, members, {"range"});
  const Member* range = find_member(members, "range");
  if (range == nullptr) value.fail("missing key 'range'; expected " + std::string(list_expected));
  // range N is 0..N-1, so every element is within [min, max] only up to N = max + 1;
  // a range longer than a batch can be is a typo, whose vector would be gigabytes.
  const std::int64_t longest = spec.min > 0 ? 0 : std::min(spec.max, max_batch_tasks - 1) + 1;
  const std::int64_t length = read_integer(range->value, 0, longest);
  list.reserve(static_cast<std::size_t>(length));
  for (std::int64_t i = 0; i < length; ++i) list.push_back(i);
  return list;
}

std::string read_text(const ParamSpec& spec, const Value& value) {
  std::string text = read_scalar(value, "text");
  const auto length = static_cast<std::int64_t>(text.size());
  if (length < spec.min || length > spec.max) {
    value.fail(quote_value(text) + " is " + std::to_string(length) + " bytes long; expected text of " +
               std::to_string(spec.min) + " to " + std::to_string(spec.max) + " bytes");
  }
  return text;
}

std::vector<std::string> read_words(const Value& value) {
  const YAML::Node& node = value.node();
  if (node.IsScalar()) return {read_scalar(value, "a word or a list of words")};
  if (!node.IsSequence()) value.fail_expected("a word or a list of words");
  std::vector<std::string> words;
  for (std::size_t i = 0; i < node.size(); ++i) words.push_back(read_scalar(value.element(i, node[i]), "a word"));
  return words;
}

bool is_known_strategy(const std::string& name, const std::vector<std::string>& known) {
  return name == "all" || std::find(known.begin(), known.end(), name) != known.end();
}

std::string unknown_strategy(const std::string& name, const std::vector<std::string>& known) {
  std::vector<std::string> candidates{"all"};
  candidates.insert(candidates.end(), known.begin(), known.end());
  const std::string suggestion = nearest(name, candidates);
  return "unknown strategy '" + name + "'; " +
         (suggestion.empty() ? "expected one of " + join(candidates) : "did you mean '" + suggestion + "'?");
}

std::string workers_range() { return integer_range(1, max_workers); }

}  // namespace

SourceLocation location(const Origin& origin, const YAML::Mark& mark) {
  if (!origin.has_positions) return {origin.name, 0, 0};
  // A null mark (an empty document) still gets a position, so every file
  // error has the same shape for editors and CI log parsers.
  return {origin.name, mark.line >= 0 ? mark.line + 1 : 1, mark.column >= 0 ? mark.column + 1 : 1};
}

void fail(const Origin& origin, const YAML::Mark& mark, const std::string& path, const std::string& problem) {
  fail(location(origin, mark), path, problem);
}

void fail(const SourceLocation& at, const std::string& path, const std::string& problem) {
  std::string message = at.str() + ": ";
  if (!path.empty()) message += path + ": ";
  message += problem;
  throw ConfigError(escape_controls(message));
}

Value::Value(const Origin& origin, YAML::Node node, std::string path, YAML::Mark mark)
    : origin_(&origin), node_(std::move(node)), path_(std::move(path)), mark_(mark) {}

Value Value::member(const std::string& name, const YAML::Node& key, const YAML::Node& value) const {
  return Value(*origin_, value, path_.empty() ? name : path_ + "." + name,
               value.IsNull() ? key.Mark() : value.Mark());
}

Value Value::element(std::size_t index, const YAML::Node& node) const {
  // A null element is marked at the next token too; the list is the best guess.
  return Value(*origin_, node, path_ + "[" + std::to_string(index) + "]", node.IsNull() ? mark_ : node.Mark());
}

void Value::fail(const std::string& problem) const { suite_params::fail(*origin_, mark_, path_, problem); }

void Value::fail_expected(const std::string& expected) const {
  fail("expected " + expected + ", got " + describe(node_));
}

std::vector<Member> read_map(const Value& map, const std::string& expected) {
  if (!map.node().IsMap()) map.fail_expected(expected);
  std::vector<Member> members;
  for (const auto& pair : map.node()) {
    const YAML::Node& key = pair.first;
    if (!key.IsScalar()) {
      fail(map.origin(), key.IsNull() ? map.mark() : key.Mark(), map.path(),
           "expected a key name, got " + describe(key));
    }
    const std::string name = key.Scalar();
    if (const Member* first = find_member(members, name)) {
      const std::string where =
          map.origin().has_positions ? " (first on line " + std::to_string(first->key.Mark().line + 1) + ")" : "";
      fail(map.origin(), key.Mark(), map.path(), "duplicate key '" + name + "'" + where + "; expected each key once");
    }
    members.push_back(Member{name, key, map.member(name, key, pair.second)});
  }
  return members;
}

void check_keys(const Value& map, const std::vector<Member>& members, const std::vector<std::string>& allowed) {
  for (const Member& m : members) {
    if (std::find(allowed.begin(), allowed.end(), m.name) != allowed.end()) continue;
    const std::string suggestion = nearest(m.name, allowed);
    fail(map.origin(), m.key.Mark(), map.path(),
         "unknown key '" + m.name + "'; " +
             (suggestion.empty() ? "expected one of " + join(allowed) : "did you mean '" + suggestion + "'?"));
  }
}

const Member* find_member(const std::vector<Member>& members, const std::string& name) {
  auto it = std::find_if(members.begin(), members.end(), [&](const Member& m) { return m.name == name; });
  return it == members.end() ? nullptr : &*it;
}

std::string one_line(std::string_view text) { return escape_controls(cut(text)); }

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return node.size() == 0 ? "an empty list" : "a list";
    case YAML::NodeType::Map: return node.size() == 0 ? "an empty map" : "a map";
    case YAML::NodeType::Scalar:
      // "got \"3\"" next to "expected an integer" is a riddle without this.
      if (node.Tag() == "!" && looks_typed(node.Scalar())) return quote_value(node.Scalar()) + " (quoted, so text)";
      return quote_value(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

std::int64_t read_integer(const Value& value, std::int64_t min, std::int64_t max) {
  const std::string expected = integer_range(min, max);
  if (!is_plain(value.node(), "tag:yaml.org,2002:int")) value.fail_expected(expected);
  const auto parsed = parse_integer(value.node().Scalar());
  if (!parsed) value.fail_expected(expected);
  const auto n = to_int64(*parsed);
  if (!n || *n < min || *n > max) out_of_range(value, expected);
  return *n;
}

std::uint64_t read_unsigned(const Value& value) {
  const std::string expected = "a non-negative integer";
  if (!is_plain(value.node(), "tag:yaml.org,2002:int")) value.fail_expected(expected);
  const auto parsed = parse_integer(value.node().Scalar());
  if (!parsed) value.fail_expected(expected);
  if (parsed->too_big) out_of_range(value, "an integer from 0 to " + std::to_string(UINT64_MAX));
  if (parsed->negative && parsed->magnitude != 0) out_of_range(value, expected);
  return parsed->magnitude;
}

bool read_bool(const Value& value) {
  static const std::set<std::string> yes{"true", "True", "TRUE"};
  static const std::set<std::string> no{"false", "False", "FALSE"};
  if (is_plain(value.node(), "tag:yaml.org,2002:bool")) {
    if (yes.count(value.node().Scalar()) != 0) return true;
    if (no.count(value.node().Scalar()) != 0) return false;
  }
  value.fail_expected("true or false");
}

std::string read_scalar(const Value& value, const std::string& expected) {
  if (!value.node().IsScalar()) value.fail_expected(expected);
  return value.node().Scalar();
}

ParamValue read_param_kind(const ParamSpec& spec, const Value& value) {
  switch (spec.kind) {
    case ParamKind::integer: return read_integer(value, spec.min, spec.max);
    case ParamKind::size:
      return read_with_unit(value, size_expected, size_range(spec.min, spec.max), spec.min, spec.max,
                            [](const std::string& text) { return parse_size(text); });
    case ParamKind::duration:
      return read_with_unit(
          value, duration_expected, duration_range(spec.min, spec.max), spec.min, spec.max,
          [](const std::string& text) { return static_cast<std::uint64_t>(parse_duration(text).count()); });
    case ParamKind::integer_list: return read_integer_list(spec, value);
    case ParamKind::text: return read_text(spec, value);
    case ParamKind::words: return read_words(value);
  }
  value.fail("parameter kind unknown to the suite reader; expected a ParamKind it handles");
}

ParamValue read_param(const ParamSpec& spec, const Value& value) {
  ParamValue read = read_param_kind(spec, value);
  if (spec.check) {
    if (std::string problem = spec.check(read); !problem.empty()) value.fail(problem);
  }
  return read;
}

std::optional<std::pair<std::int64_t, std::int64_t>> parse_range(std::string_view text) {
  const std::size_t dots = text.find("..");
  if (dots == std::string_view::npos || dots == 0) return std::nullopt;
  std::int64_t first = 0, last = 0;
  const char* end = text.data() + text.size();
  const auto a = std::from_chars(text.data(), text.data() + dots, first);
  const auto b = std::from_chars(text.data() + dots + 2, end, last);
  if (a.ec != std::errc() || a.ptr != text.data() + dots || b.ec != std::errc() || b.ptr != end || first > last) {
    return std::nullopt;
  }
  return std::pair{first, last};
}

std::vector<unsigned> read_workers(const Value& value) {
  const YAML::Node& node = value.node();
  if (node.IsScalar()) {
    if (const auto range = parse_range(node.Scalar())) {
      if (range->first < 1 || range->second > max_workers) out_of_range(value, workers_range());
      std::vector<unsigned> workers;
      for (std::int64_t n = range->first; n <= range->second; ++n) workers.push_back(static_cast<unsigned>(n));
      return workers;
    }
    return {static_cast<unsigned>(read_integer(value, 1, max_workers))};
  }
  if (!node.IsSequence()) value.fail_expected(workers_range() + " or a list of them");
  if (node.size() == 0) value.fail("the list is empty; expected at least one worker count");
  std::vector<unsigned> workers;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const Value element = value.element(i, node[i]);
    const auto n = static_cast<unsigned>(read_integer(element, 1, max_workers));
    if (std::find(workers.begin(), workers.end(), n) != workers.end()) {
      element.fail(std::to_string(n) + " is listed twice; expected each worker count once");
    }
    workers.push_back(n);
  }
  return workers;
}

std::vector<std::string> read_strategies(const Value& value, const std::vector<std::string>& known) {
  const YAML::Node& node = value.node();
  const std::string expected = "\"all\" or a list of strategy names";
  if (node.IsScalar()) {
    std::string name = node.Scalar();
    if (!is_known_strategy(name, known)) value.fail(unknown_strategy(name, known));
    return {std::move(name)};
  }
  if (!node.IsSequence()) value.fail_expected(expected);
  if (node.size() == 0) value.fail("the list is empty; expected " + expected);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const Value element = value.element(i, node[i]);
    std::string name = read_scalar(element, "a strategy name");
    if (!is_known_strategy(name, known)) element.fail(unknown_strategy(name, known));
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      element.fail("'" + name + "' is listed twice; expected each strategy once");
    }
    names.push_back(std::move(name));
  }
  return names;
}

std::map<std::string, OptionSetting> read_options(const Value& value) {
  std::map<std::string, OptionSetting> options;
  for (const Member& m : read_map(value, "a map of option names to values")) {
    options[m.name] = {read_scalar(m.value, "a value like 30s or 4"), location(value.origin(), m.key.Mark()),
                       m.value.location()};
  }
  return options;
}

void check_workers(const Origin& origin, const std::vector<unsigned>& workers) {
  const auto none = YAML::Mark::null_mark();
  if (workers.empty()) fail(origin, none, "", "no worker count given; expected " + workers_range());
  for (std::size_t i = 0; i < workers.size(); ++i) {
    const unsigned n = workers[i];
    if (n < 1 || n > max_workers) {
      fail(origin, none, "", std::to_string(n) + " is out of range; expected " + workers_range());
    }
    if (std::find(workers.begin(), workers.begin() + static_cast<std::ptrdiff_t>(i), n) !=
        workers.begin() + static_cast<std::ptrdiff_t>(i)) {
      fail(origin, none, "", std::to_string(n) + " is listed twice; expected each worker count once");
    }
  }
}

void check_strategies(const Origin& origin, const std::vector<std::string>& names,
                      const std::vector<std::string>& known) {
  const auto none = YAML::Mark::null_mark();
  if (names.empty()) fail(origin, none, "", "no strategy given; expected \"all\" or strategy names");
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!is_known_strategy(names[i], known)) fail(origin, none, "", unknown_strategy(names[i], known));
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      fail(origin, none, "", "'" + names[i] + "' is listed twice; expected each strategy once");
    }
  }
}

}  // namespace suite_params

std::pair<std::string, std::string> parse_set_option(std::string_view text) {
  const suite_params::Origin origin{"--set " + suite_params::one_line(text), false};
  const auto equals = text.find('=');
  if (equals == std::string_view::npos) {
    suite_params::fail(origin, YAML::Mark::null_mark(), "", "missing '='; expected --set key=value");
  }
  if (equals == 0) suite_params::fail(origin, YAML::Mark::null_mark(), "", "empty parameter name; expected --set key=value");
  return {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

}  // namespace concur
