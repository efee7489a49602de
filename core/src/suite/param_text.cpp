#include "suite/param_text.hpp"

#include <chrono>

#include "util/units.hpp"

namespace concur {

std::string param_text(const ParamSpec& spec, const ParamValue& value) {
  if (const auto* v = std::get_if<std::int64_t>(&value)) {
    if (spec.kind == ParamKind::size) return format_size(static_cast<std::uint64_t>(*v));
    if (spec.kind == ParamKind::duration) return format_duration(std::chrono::nanoseconds(*v));
    return std::to_string(*v);
  }
  if (const auto* list = std::get_if<std::vector<std::int64_t>>(&value)) {
    constexpr std::size_t shown = 8;
    std::string s = "[";
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (list->size() > shown && i == shown - 1) {
        s += "... " + std::to_string(list->back());
        break;
      }
      s += (i ? ", " : "") + std::to_string((*list)[i]);
    }
    s += "]";
    if (list->size() > shown) s += " (" + std::to_string(list->size()) + " items)";
    return s;
  }
  if (const auto* words = std::get_if<std::vector<std::string>>(&value)) {
    std::string s = "[";
    for (std::size_t i = 0; i < words->size(); ++i) s += (i ? ", " : "") + (*words)[i];
    return s + "]";
  }
  return '"' + std::get<std::string>(value) + '"';
}

std::string params_text(const WorkloadType& type, const Params& params) {
  std::string s;
  for (const ParamSpec& spec : type.params) {
    if (!params.has(spec.name)) continue;
    s += (s.empty() ? "" : ", ") + spec.name + "=" + param_text(spec, params.all().at(spec.name));
  }
  return s;
}

}  // namespace concur
