#include "server/server_stats.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace concur {
namespace {

std::uint64_t count_at(const nlohmann::json& object, std::string_view where, const std::string& key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) {
    throw std::invalid_argument("server stats: " + std::string(where) + key + ": a count (unsigned integer) expected");
  }
  return it->get<std::uint64_t>();
}

}  // namespace

std::string stats_json(const ServerStats& s) {
  nlohmann::json faults = nlohmann::json::object();
  for (const FaultKind k : injected_faults) faults[std::string(fault_name(k))] = s.fault(k);
  const nlohmann::json doc{
      {"connections", s.connections},
      {"requests", s.requests},
      {"ok", s.ok},
      {"not_found", s.not_found},
      {"error", s.error},
      {"other_requests", {{"ok", s.other_ok}, {"not_found", s.other_not_found}, {"rejected", s.other_rejected}}},
      {"faults", std::move(faults)}};
  return doc.dump() + "\n";
}

ServerStats parse_stats_json(std::string_view text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) throw std::invalid_argument("server stats: a JSON object expected");
  ServerStats s;
  s.connections = count_at(doc, "", "connections");
  s.requests = count_at(doc, "", "requests");
  s.ok = count_at(doc, "", "ok");
  s.not_found = count_at(doc, "", "not_found");
  s.error = count_at(doc, "", "error");
  const auto other = doc.find("other_requests");
  if (other == doc.end() || !other->is_object()) throw std::invalid_argument("server stats: other_requests: an object expected");
  s.other_ok = count_at(*other, "other_requests.", "ok");
  s.other_not_found = count_at(*other, "other_requests.", "not_found");
  s.other_rejected = count_at(*other, "other_requests.", "rejected");
  const auto faults = doc.find("faults");
  if (faults == doc.end() || !faults->is_object()) throw std::invalid_argument("server stats: faults: an object expected");
  for (const FaultKind k : injected_faults) {
    s.faults[static_cast<std::size_t>(k)] = count_at(*faults, "faults.", std::string(fault_name(k)));
  }
  return s;
}

}  // namespace concur
