// The SDK's version numbers: the ABI a plugin was built against and concur's release.
#pragma once

#include <cstdint>

namespace concur {

// Bumped whenever a type in this SDK changes layout or a virtual function is
// added, removed or reordered. The loader refuses a plugin built against another.
inline constexpr std::uint32_t abi_version = 6;

inline constexpr const char* version_string = "0.1.0";

}  // namespace concur
