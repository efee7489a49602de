// Bad plugin: built against a future SDK (ABI 999). The loader must refuse it without calling its factory.
#include <cstdint>
#include <cstdlib>

#include "concur/plugin.hpp"

extern "C" __attribute__((visibility("default"))) std::uint32_t concur_plugin_abi_version() noexcept {
  return 999;
}

// Aborting makes "checked the ABI before calling anything else" a hard test failure.
extern "C" __attribute__((visibility("default"))) concur::Strategy* concur_plugin_create(const concur::Host*, char*, std::size_t) noexcept {
  std::abort();
}
