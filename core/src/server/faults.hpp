// What the flag server does wrong on purpose: fault kinds, their probabilities, the original test profiles, and the per-request draw.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "util/xoshiro256.hpp"

namespace concur {

// `none` answers normally; the others, and what a client sees, are listed in
// docs/FLAG_SERVER.md.
enum class FaultKind : std::uint8_t { none, error, delay, blackout, reset, hang, slow, truncate, malformed };

inline constexpr std::size_t fault_kind_count = 9;
// Every fault but `none`, in the order draws and reports use.
inline constexpr std::array<FaultKind, 8> injected_faults{FaultKind::error, FaultKind::delay,    FaultKind::blackout,
                                                          FaultKind::reset, FaultKind::hang,     FaultKind::slow,
                                                          FaultKind::truncate, FaultKind::malformed};

std::string_view fault_name(FaultKind kind) noexcept;  // "error", "delay", ...

// Does the client of a fault see a failure (error class) rather than the
// file or 404 it asked for? delay and slow still deliver the response.
constexpr bool fault_fails_request(FaultKind kind) noexcept {
  return kind != FaultKind::none && kind != FaultKind::delay && kind != FaultKind::slow;
}

struct FaultConfig {
  // Probability of each kind per flag request; `none` takes what is left.
  // The draws are exclusive: one uniform number picks at most one fault.
  std::array<double, fault_kind_count> probability{};
  std::chrono::nanoseconds delay = std::chrono::seconds(1);  // how long `delay` holds a response
  std::chrono::nanoseconds slow = std::chrono::seconds(2);   // how long `slow` takes to trickle a response
  std::chrono::nanoseconds hang = std::chrono::seconds(30);  // how long `hang` holds a connection before closing it

  double& operator[](FaultKind k) noexcept { return probability[static_cast<std::size_t>(k)]; }
  double operator[](FaultKind k) const noexcept { return probability[static_cast<std::size_t>(k)]; }

  // Throws std::invalid_argument naming the fault when a probability is
  // outside [0, 1] or they add up to more than 1.
  void validate() const;
};

// The three servers of the original experiments.
enum class Profile { local, delay, error };

std::string_view profile_name(Profile p) noexcept;
std::optional<Profile> parse_profile(std::string_view name) noexcept;
// local: no faults; delay: every response held 1 s; error: 25% errors, 50%
// responses held 0.5 s, 25% normal.
FaultConfig profile_faults(Profile p) noexcept;
// The ports the original servers listened on: 8001, 8002, 8003.
std::uint16_t profile_port(Profile p) noexcept;

// The per-request draw, reproducible from its seed: the same seed and the same
// order of requests give the same faults.
class FaultDraw {
 public:
  FaultDraw(const FaultConfig& config, std::uint64_t seed) noexcept;

  FaultKind next() noexcept;
  // For an `error` fault: 500, 501, 502 or 503, equally likely.
  unsigned error_status() noexcept { return 500 + static_cast<unsigned>(rng_.next() >> 62); }

 private:
  std::array<double, fault_kind_count> upper_{};  // cumulative bounds, in injected_faults order
  Xoshiro256 rng_;
};

}  // namespace concur
