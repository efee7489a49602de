// Bad plugin: a factory that returns no strategy and writes no message.
#include <cstdint>

#include "concur/plugin.hpp"

extern "C" __attribute__((visibility("default"))) std::uint32_t concur_plugin_abi_version() noexcept {
  return concur::abi_version;
}

extern "C" __attribute__((visibility("default"))) const char* concur_plugin_stdlib() noexcept {
  return concur::detail::stdlib_configuration();
}

extern "C" __attribute__((visibility("default"))) concur::Strategy* concur_plugin_create(const concur::Host*, char*, std::size_t) noexcept {
  return nullptr;
}
