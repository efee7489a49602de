#include "server/faults.hpp"

#include <utility>
#include <stdexcept>
#include <string>

namespace concur {

std::string_view fault_name(FaultKind kind) noexcept {
  switch (kind) {
    case FaultKind::none: return "none";
    case FaultKind::error: return "error";
    case FaultKind::delay: return "delay";
    case FaultKind::blackout: return "blackout";
    case FaultKind::reset: return "reset";
    case FaultKind::hang: return "hang";
    case FaultKind::slow: return "slow";
    case FaultKind::truncate: return "truncate";
    case FaultKind::malformed: return "malformed";
  }
  return "?";
}

void FaultConfig::validate() const {
  double total = 0;
  for (const FaultKind k : injected_faults) {
    const double p = (*this)[k];
    if (!(p >= 0.0 && p <= 1.0)) {
      throw std::invalid_argument("fault " + std::string(fault_name(k)) + ": probability " + std::to_string(p) +
                                  ", a number from 0 to 1 expected");
    }
    total += p;
  }
  // A little slack for sums such as 0.1 + 0.2 + 0.7 that miss 1 in binary.
  if (total > 1.0 + 1e-9) {
    throw std::invalid_argument("fault probabilities add up to " + std::to_string(total) + ", at most 1 expected");
  }
  for (const auto& [name, d] : {std::pair{"delay", delay}, {"slow", slow}, {"hang", hang}}) {
    if (d.count() < 0) throw std::invalid_argument(std::string(name) + " duration is negative, 0 or more expected");
  }
}

std::string_view profile_name(Profile p) noexcept {
  switch (p) {
    case Profile::local: return "local";
    case Profile::delay: return "delay";
    case Profile::error: return "error";
  }
  return "?";
}

std::optional<Profile> parse_profile(std::string_view name) noexcept {
  for (const Profile p : {Profile::local, Profile::delay, Profile::error}) {
    if (name == profile_name(p)) return p;
  }
  return std::nullopt;
}

FaultConfig profile_faults(Profile p) noexcept {
  FaultConfig c;
  switch (p) {
    case Profile::local: break;
    case Profile::delay:
      c[FaultKind::delay] = 1.0;
      c.delay = std::chrono::seconds(1);
      break;
    case Profile::error:
      c[FaultKind::error] = 0.25;
      c[FaultKind::delay] = 0.5;
      c.delay = std::chrono::milliseconds(500);
      break;
  }
  return c;
}

std::uint16_t profile_port(Profile p) noexcept {
  switch (p) {
    case Profile::local: return 8001;
    case Profile::delay: return 8002;
    case Profile::error: return 8003;
  }
  return 8001;
}

FaultDraw::FaultDraw(const FaultConfig& config, std::uint64_t seed) noexcept : rng_(seed) {
  double sum = 0;
  for (std::size_t i = 0; i < injected_faults.size(); ++i) {
    sum += config[injected_faults[i]];
    upper_[i] = sum;
  }
}

FaultKind FaultDraw::next() noexcept {
  // 53 random bits: every double in [0, 1) a draw can produce.
  const double u = static_cast<double>(rng_.next() >> 11) * 0x1.0p-53;
  for (std::size_t i = 0; i < injected_faults.size(); ++i) {
    if (u < upper_[i]) return injected_faults[i];
  }
  return FaultKind::none;
}

}  // namespace concur
