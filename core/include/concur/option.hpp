// Option: a strategy option a suite may set under `options:`, declared by the strategy that reads it.
#pragma once

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace concur {

// A strategy lists the options it reads (Strategy::options()). `concur list`
// shows them, and concur checks a suite's `options:` against the options of
// the strategies it runs before any case starts: a name that none of them
// declares, or a value a declaration refuses, is a configuration error naming
// its place in the suite. The strategy reads each value through its
// declaration, so the name, the type and the default are written once:
//
//   const concur::Option depth = concur::Option::integer("depth", 4, 1, 64, "requests queued per worker");
//   ... depth.read_integer(options.options) ...
//
// Values arrive as the suite wrote them (RunOptions::options), so a default is
// kept as text too: what a suite would write.
class Option {
 public:
  enum class Type : std::uint8_t { integer, boolean, text, choice };

  static Option integer(std::string name, std::int64_t fallback, std::int64_t min, std::int64_t max, std::string help) {
    Option o(std::move(name), Type::integer, std::to_string(fallback), std::move(help));
    o.min_ = min;
    o.max_ = max;
    return o;
  }
  static Option boolean(std::string name, bool fallback, std::string help) {
    return Option(std::move(name), Type::boolean, fallback ? "true" : "false", std::move(help));
  }
  // Any text.
  static Option text(std::string name, std::string fallback, std::string help) {
    return Option(std::move(name), Type::text, std::move(fallback), std::move(help));
  }
  // One of `choices`.
  static Option choice(std::string name, std::string fallback, std::vector<std::string> choices, std::string help) {
    Option o(std::move(name), Type::choice, std::move(fallback), std::move(help));
    o.choices_ = std::move(choices);
    return o;
  }

  const std::string& name() const noexcept { return name_; }
  Type type() const noexcept { return type_; }
  const std::string& default_value() const noexcept { return default_; }  // as a suite writes it
  const std::string& help() const noexcept { return help_; }              // one line

  // What a value must be: "an integer from 1 to 64", "true or false", "text", "one of fast, slow".
  std::string expected() const {
    switch (type_) {
      case Type::integer: return "an integer from " + std::to_string(min_) + " to " + std::to_string(max_);
      case Type::boolean: return "true or false";
      case Type::text: return "text";
      case Type::choice: break;
    }
    std::string list;
    for (const std::string& c : choices_) list += (list.empty() ? "" : ", ") + c;
    return "one of " + list;
  }

  // "" when `value` (as a suite writes it) is valid; otherwise what is wrong:
  // "expected an integer from 1 to 64, got \"0\"".
  std::string check(std::string_view value) const {
    if (valid(value)) return {};
    return "expected " + expected() + ", got \"" + std::string(value) + '"';
  }

  // The value `given` (RunOptions::options) holds for this option, or the
  // default. Throws std::invalid_argument ("option NAME: expected ..., got
  // ...") for a value check() refuses: concur checks suites before any case
  // runs, so only a caller that fills RunOptions itself meets it. Throws
  // std::logic_error when the option was declared with another type.
  std::int64_t read_integer(const std::map<std::string, std::string>& given) const {
    return *to_integer(value_in(given, type_ == Type::integer));
  }
  bool read_boolean(const std::map<std::string, std::string>& given) const {
    return *to_boolean(value_in(given, type_ == Type::boolean));
  }
  // For text and choice options.
  std::string read_text(const std::map<std::string, std::string>& given) const {
    return value_in(given, type_ == Type::text || type_ == Type::choice);
  }

 private:
  Option(std::string name, Type type, std::string fallback, std::string help)
      : name_(std::move(name)), type_(type), default_(std::move(fallback)), help_(std::move(help)) {}

  static std::optional<std::int64_t> to_integer(std::string_view value) noexcept {
    std::int64_t n = 0;
    const char* end = value.data() + value.size();
    const auto [stop, error] = std::from_chars(value.data(), end, n);
    if (error != std::errc{} || stop != end) return std::nullopt;
    return n;
  }
  static std::optional<bool> to_boolean(std::string_view value) noexcept {  // YAML's spellings
    if (value == "true" || value == "True" || value == "TRUE") return true;
    if (value == "false" || value == "False" || value == "FALSE") return false;
    return std::nullopt;
  }

  bool valid(std::string_view value) const noexcept {
    switch (type_) {
      case Type::integer: {
        const std::optional<std::int64_t> n = to_integer(value);
        return n && *n >= min_ && *n <= max_;
      }
      case Type::boolean: return to_boolean(value).has_value();
      case Type::text: return true;
      case Type::choice: break;
    }
    for (const std::string& c : choices_) {
      if (c == value) return true;
    }
    return false;
  }

  const std::string& value_in(const std::map<std::string, std::string>& given, bool declared_so) const {
    if (!declared_so) throw std::logic_error("option " + name_ + ": read as another type than it was declared with");
    const auto it = given.find(name_);
    const std::string& value = it == given.end() ? default_ : it->second;
    if (std::string problem = check(value); !problem.empty()) throw std::invalid_argument("option " + name_ + ": " + problem);
    return value;
  }

  std::string name_;
  Type type_;
  std::string default_;
  std::string help_;
  std::int64_t min_ = 0, max_ = 0;    // integer
  std::vector<std::string> choices_;  // choice
};

inline const char* to_string(Option::Type t) noexcept {
  switch (t) {
    case Option::Type::integer: return "integer";
    case Option::Type::boolean: return "boolean";
    case Option::Type::text: return "text";
    case Option::Type::choice: return "choice";
  }
  return "?";
}

}  // namespace concur
