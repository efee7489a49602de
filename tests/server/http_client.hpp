// The tests' HTTP clients: libcurl easy (one connection, reused) and multi (many transfers at once), and a raw socket.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace concur_server_test {

// What a downloader would tally for a reply: the three classes the flags
// experiments count.
enum class Tally { ok, not_found, error };

struct Reply {
  CURLcode result = CURLE_OK;
  long status = 0;
  std::string body;
  std::string content_type;
  std::chrono::steady_clock::duration elapsed{};

  Tally tally() const noexcept {
    if (result == CURLE_OK && status == 200) return Tally::ok;
    if (result == CURLE_OK && status == 404) return Tally::not_found;
    return Tally::error;
  }
};

struct GetOptions {
  long timeout_ms = 10'000;
  bool fresh_connection = false;  // a new connection, closed after the transfer
  bool path_as_is = false;        // send "..", "//" as written
};

// One easy handle: consecutive get() calls reuse its connection.
class HttpClient {
 public:
  HttpClient();
  Reply get(const std::string& url, const GetOptions& options = {});

 private:
  struct Cleanup {
    void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
  };
  std::unique_ptr<CURL, Cleanup> curl_;
};

// Every URL at once through one multi handle, at most `connections` open:
// replies in the order of `urls`.
std::vector<Reply> get_all(const std::vector<std::string>& urls, long connections, long timeout_ms = 30'000);

// A raw exchange: connects, sends `request` as is, and reads until the server
// closes or nothing arrives for `idle`.
struct RawReply {
  std::string bytes;
  bool closed = false;  // the server closed (or reset) the connection
};
RawReply raw_exchange(std::uint16_t port, std::string_view request,
                      std::chrono::milliseconds idle = std::chrono::milliseconds(3000));

// Lower-case hex SHA-256 through OpenSSL's one-shot EVP_Digest.
std::string sha256_hex(std::string_view bytes);

}  // namespace concur_server_test
