// What the flag server's acceptor and connections share: options, prepared responses, the fault draw and the counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "server/faults.hpp"
#include "server/flag_server.hpp"
#include "server/flag_set.hpp"
#include "server/responses.hpp"
#include "server/server_stats.hpp"

namespace concur {

// Atomic only so that FlagServer::stats() may read them from another thread:
// the server's own thread is the only writer.
struct ServerCounters {
  std::atomic<std::uint64_t> connections{0}, requests{0}, ok{0}, not_found{0}, error{0};
  std::atomic<std::uint64_t> other_ok{0}, other_not_found{0}, other_rejected{0};
  std::array<std::atomic<std::uint64_t>, fault_kind_count> faults{};

  static void bump(std::atomic<std::uint64_t>& c) noexcept { c.fetch_add(1, std::memory_order_relaxed); }
  ServerStats snapshot() const noexcept {
    const auto get = [](const std::atomic<std::uint64_t>& c) { return c.load(std::memory_order_relaxed); };
    ServerStats s;
    s.connections = get(connections);
    s.requests = get(requests);
    s.ok = get(ok);
    s.not_found = get(not_found);
    s.error = get(error);
    s.other_ok = get(other_ok);
    s.other_not_found = get(other_not_found);
    s.other_rejected = get(other_rejected);
    for (std::size_t i = 0; i < faults.size(); ++i) s.faults[i] = get(faults[i]);
    return s;
  }
};

struct ServerState {
  ServerState(FlagServerOptions o, std::shared_ptr<const FlagSet> f)
      : options(std::move(o)), flags(std::move(f)), responses(*flags), faults(options.faults, fault_seed(options.seed)) {}

  // Its own stream, apart from the images': the draws do not change when the
  // image generator does.
  static std::uint64_t fault_seed(std::uint64_t seed) noexcept { return task_seed(seed, "faults", 0); }

  const FlagServerOptions options;
  const std::shared_ptr<const FlagSet> flags;
  const ResponseSet responses;
  FaultDraw faults;
  ServerCounters counters;
};

}  // namespace concur
