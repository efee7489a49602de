// The standard library configuration a plugin and concur must share: the SDK passes std::string, std::map, std::function.
#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace concur::detail {

// The settings that change how the standard library lays out its types,
// named as a reader would set them, then the sizes of the types the SDK
// passes as this compiler sees them (which catches settings not named here).
// Two builds can share SDK objects only if their texts are equal.
inline const char* stdlib_configuration() noexcept {
  static const auto text = [] {
    struct Text {
      char chars[256] = {};
    } t;
    const char* library =
#if defined(_LIBCPP_VERSION)
        "libc++"
#elif defined(__GLIBCXX__)
        "libstdc++"
#else
        "an unknown standard library"
#endif
        ;
    const char* string_abi =
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI == 0
        ", old std::string ABI (_GLIBCXX_USE_CXX11_ABI=0)"
#else
        ""
#endif
        ;
    const char* debug =
#if defined(_GLIBCXX_DEBUG)
        ", debug mode (_GLIBCXX_DEBUG)"
#elif defined(_LIBCPP_ABI_VERSION) && _LIBCPP_ABI_VERSION != 1
        ", libc++ ABI version 2 or later"
#else
        ""
#endif
        ;
    std::snprintf(t.chars, sizeof t.chars, "%s%s%s [sizes: string %zu, map %zu, function %zu, vector %zu, exception_ptr %zu]",
                  library, string_abi, debug, sizeof(std::string), sizeof(std::map<std::string, std::string>),
                  sizeof(std::function<void()>), sizeof(std::vector<char>), sizeof(std::exception_ptr));
    return t;
  }();
  return text.chars;
}

}  // namespace concur::detail
