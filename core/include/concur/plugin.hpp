// CONCUR_PLUGIN(Type): exports a strategy class as a loadable concur plugin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <type_traits>

#include "concur/host.hpp"
#include "concur/stdlib.hpp"
#include "concur/strategy.hpp"
#include "concur/version.hpp"

// The C symbols every plugin exports. The loader reads the ABI version, then
// the standard library configuration, and calls nothing else when either
// differs from its own. A strategy class may take a `const concur::Host&` in
// its constructor; otherwise it is default-constructed.
#define CONCUR_ABI_SYMBOL "concur_plugin_abi_version"
#define CONCUR_STDLIB_SYMBOL "concur_plugin_stdlib"
#define CONCUR_CREATE_SYMBOL "concur_plugin_create"

namespace concur::detail {

// Writes a NUL-terminated copy of `text` into error[0..capacity).
inline void copy_error(const char* text, char* error, std::size_t capacity) noexcept {
  if (capacity == 0) return;
  std::size_t n = std::strlen(text);
  if (n >= capacity) n = capacity - 1;
  std::memcpy(error, text, n);
  error[n] = '\0';
}

// Builds a T (from the Host when T takes one), turning any exception into an
// error message. The loader takes ownership of the returned object at once
// (the C ABI forces a raw pointer here).
template <class T>
Strategy* create_guarded(const Host& host, char* error, std::size_t capacity) noexcept {
  try {
    if constexpr (std::is_constructible_v<T, const Host&>) {
      return std::make_unique<T>(host).release();
    } else {
      return std::make_unique<T>().release();
    }
  } catch (const std::exception& e) {
    copy_error(e.what(), error, capacity);
  } catch (...) {
    copy_error("unknown exception", error, capacity);
  }
  return nullptr;
}

}  // namespace concur::detail

#define CONCUR_PLUGIN(StrategyType)                                                        \
  extern "C" __attribute__((visibility("default"))) std::uint32_t                           \
  concur_plugin_abi_version() noexcept {                                                    \
    return ::concur::abi_version;                                                           \
  }                                                                                         \
  extern "C" __attribute__((visibility("default"))) const char* concur_plugin_stdlib() noexcept { \
    return ::concur::detail::stdlib_configuration();                                        \
  }                                                                                         \
  extern "C" __attribute__((visibility("default"))) ::concur::Strategy* concur_plugin_create( \
      const ::concur::Host* host, char* error, std::size_t capacity) noexcept {             \
    return ::concur::detail::create_guarded<StrategyType>(*host, error, capacity);          \
  }
