#include "server/stats_client.hpp"

#include <curl/curl.h>

#include <memory>
#include <stdexcept>

namespace concur {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

std::string stats_url(std::string_view server_url) {
  std::string_view root = server_url;
  while (root.ends_with('/')) root.remove_suffix(1);
  if (root.ends_with("/flags")) root.remove_suffix(6);
  return std::string(root) + "/stats";
}

ServerStats fetch_stats(std::string_view server_url, std::chrono::milliseconds timeout) {
  const std::string url = stats_url(server_url);
  const std::unique_ptr<CURL, CurlDeleter> curl{curl_easy_init()};
  if (!curl) throw std::runtime_error("GET " + url + ": curl_easy_init failed");
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROXY, "");  // a local server: never through http_proxy
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) throw std::runtime_error("GET " + url + ": " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) throw std::runtime_error("GET " + url + ": status " + std::to_string(status) + ", 200 expected");
  try {
    return parse_stats_json(body);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("GET " + url + ": " + e.what());
  }
}

}  // namespace concur
