// Reads a running flag server's /stats over HTTP (libcurl), for tests and for concur's own checks.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "server/server_stats.hpp"

namespace concur {

// The /stats URL of a server, from the URL `concur serve` printed
// ("http://127.0.0.1:8001/flags") or the server's root.
std::string stats_url(std::string_view server_url);

// GETs stats_url(server_url) on a fresh connection (so the count of
// connections includes it). Throws std::runtime_error naming the URL and what
// went wrong (transfer error, status other than 200, bad JSON).
ServerStats fetch_stats(std::string_view server_url, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace concur
