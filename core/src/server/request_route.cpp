#include "server/request_route.hpp"

namespace concur {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; false for a malformed one, and for an escaped "/",
// which would make one segment into two.
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0 || hi * 16 + lo == '/') return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

// Paths that a file server could resolve to somewhere else than they read:
// dot segments, empty segments, Windows separators, control bytes.
bool ambiguous(std::string_view path) noexcept {
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '\\') return true;
  }
  std::size_t start = 1;  // path[0] is '/'
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "." || segment == "..") return true;
    if (segment.empty() && end < path.size()) return true;  // "//"
    start = end + 1;
  }
  return false;
}

bool lower_letter(char c) noexcept { return c >= 'a' && c <= 'z'; }

}  // namespace

Route route_request(std::string_view target, std::string& scratch) {
  if (target.empty() || target.front() != '/') return {RouteKind::bad_target, {}};
  std::string_view path = target.substr(0, target.find('?'));
  if (path.find('%') != std::string_view::npos) {
    if (!percent_decode(path, scratch)) return {RouteKind::bad_target, {}};
    path = scratch;
  }
  if (ambiguous(path)) return {RouteKind::bad_target, {}};

  if (path == "/stats") return {RouteKind::stats, {}};
  if (path == "/flags/manifest.json") return {RouteKind::manifest, {}};
  // "/flags/us/us.gif"
  constexpr std::string_view prefix = "/flags/";
  constexpr std::string_view suffix = ".gif";
  if (path.size() == prefix.size() + 5 + suffix.size() && path.starts_with(prefix) && path.ends_with(suffix)) {
    const std::string_view cc = path.substr(prefix.size(), 2);
    if (lower_letter(cc[0]) && lower_letter(cc[1]) && path[prefix.size() + 2] == '/' &&
        path.substr(prefix.size() + 3, 2) == cc) {
      return {RouteKind::flag, cc};
    }
  }
  return {RouteKind::not_found, {}};
}

}  // namespace concur
