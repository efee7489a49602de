// The flag server's counters as /stats reports them: requests by outcome, faults by kind, connections.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/faults.hpp"

namespace concur {

// A snapshot. "Flag requests" are GET /flags/<cc>/<cc>.gif for any two
// lower-case letters, known code or not; only they get faults, and every one
// of them is counted once in exactly one of ok, not_found and error, so that
// requests == ok + not_found + error and a client's tally can be compared
// with them exactly (docs/FLAG_SERVER.md).
struct ServerStats {
  std::uint64_t connections = 0;  // TCP connections accepted, the one asking for /stats included
  std::uint64_t requests = 0;     // flag requests
  std::uint64_t ok = 0;           // flag requests answered 200 with the whole file (no fault, delay or slow)
  std::uint64_t not_found = 0;    // flag requests answered 404 (unknown code; no fault, delay or slow)
  std::uint64_t error = 0;        // flag requests given a failing fault (error, blackout, reset, hang, truncate, malformed)
  // Every other request: the manifest and /stats (ok, this one included),
  // other paths (not_found), and requests refused with 400, 405, 413 or 431
  // (rejected).
  std::uint64_t other_ok = 0;
  std::uint64_t other_not_found = 0;
  std::uint64_t other_rejected = 0;
  std::array<std::uint64_t, fault_kind_count> faults{};  // by FaultKind; faults[none] stays 0

  std::uint64_t fault(FaultKind k) const noexcept { return faults[static_cast<std::size_t>(k)]; }
  bool operator==(const ServerStats&) const = default;
};

// {"connections": N, "requests": N, "ok": N, "not_found": N, "error": N,
//  "other_requests": {"ok": N, "not_found": N, "rejected": N},
//  "faults": {"error": N, "delay": N, "blackout": N, "reset": N, "hang": N, "slow": N, "truncate": N, "malformed": N}}
std::string stats_json(const ServerStats& stats);
// The inverse; throws std::invalid_argument naming the missing or mistyped key.
ServerStats parse_stats_json(std::string_view json);

}  // namespace concur
