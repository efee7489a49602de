// Bad plugin: the right ABI version symbol but no factory.
#include <cstdint>

#include "concur/stdlib.hpp"
#include "concur/version.hpp"

extern "C" __attribute__((visibility("default"))) std::uint32_t concur_plugin_abi_version() noexcept {
  return concur::abi_version;
}

extern "C" __attribute__((visibility("default"))) const char* concur_plugin_stdlib() noexcept {
  return concur::detail::stdlib_configuration();
}
