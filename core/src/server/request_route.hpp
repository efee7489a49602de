// Which resource a request target names, and which targets are refused as traversal attempts.
#pragma once

#include <string>
#include <string_view>

namespace concur {

enum class RouteKind {
  flag,        // /flags/<cc>/<cc>.gif, two lower-case letters, known code or not
  manifest,    // /flags/manifest.json
  stats,       // /stats
  not_found,   // any other well-formed path
  bad_target,  // not an origin-form path, a bad %-escape, "." or ".." segments, "//", a backslash or a control byte
};

struct Route {
  RouteKind kind = RouteKind::not_found;
  std::string_view code;  // for `flag`: the two letters (points into the target or `scratch`)
};

// Routes `target` (the request-target as received; a query string is
// ignored). %-escapes are decoded into `scratch` first, so "%2e%2e" is "..";
// nothing is allocated once `scratch` has grown to the longest target.
Route route_request(std::string_view target, std::string& scratch);

}  // namespace concur
