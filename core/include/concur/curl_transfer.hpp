// CurlTransfer: one Io::HttpGet through a libcurl easy handle, set up and reported alike by every Io that uses libcurl.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "concur/io.hpp"

namespace concur {

// Include this header only in an Io built on libcurl (concur's blocking Io,
// the uring strategy's multi interface); it needs libcurl's headers. It sets
// the options a benchmark client needs and turns the transfer's end into an
// HttpResponse, so that a refused connection, a timeout or a truncated body
// reads the same from every strategy.
class CurlTransfer {
 public:
  // Sets `easy` up for `op`: URL, the op's timeout and body cap, up to 5
  // redirects, no signals (other threads' sleeps would be interrupted), HTTP
  // 1.1 with keep-alive (the handle's connection is reused), and no proxy
  // from the environment: http_proxy would put a proxy between the benchmark
  // and the server it names. `op` and this object must outlive the
  // transfer; the handle may be reused afterwards.
  CurlTransfer(CURL* easy, Io::HttpGet& op) noexcept : easy_(easy), op_(op) {
    op_.response = {};
    curl_easy_setopt(easy, CURLOPT_URL, op.url.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &CurlTransfer::write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, milliseconds(op.timeout));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, op.timeout.count() > 0 ? milliseconds(op.timeout) : 10'000L);
  }
  // The handle outlives this object: it must not keep pointers into it.
  ~CurlTransfer() {
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, static_cast<void*>(nullptr));
  }
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // The transfer ended with `result`: fills in op.response.
  void finish(CURLcode result) noexcept {
    HttpResponse& r = op_.response;
    curl_off_t first_byte_us = 0;
    if (curl_easy_getinfo(easy_, CURLINFO_STARTTRANSFER_TIME_T, &first_byte_us) == CURLE_OK) {
      r.first_byte = std::chrono::microseconds(first_byte_us);
    }
    if (result == CURLE_OK) {
      curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &r.status);
      return;
    }
    r.status = 0;
    try {
      r.error = why(result);
    } catch (...) {  // out of memory: the exchange still failed
    }
  }

 private:
  static long milliseconds(std::chrono::nanoseconds d) noexcept {
    return d.count() <= 0 ? 0L : static_cast<long>(std::chrono::ceil<std::chrono::milliseconds>(d).count());
  }

  static std::size_t write(char* data, std::size_t size, std::size_t count, void* self) noexcept {
    auto& t = *static_cast<CurlTransfer*>(self);
    const std::size_t n = size * count;
    std::string& body = t.op_.response.body;
    if (t.op_.max_bytes > 0 && body.size() + n > t.op_.max_bytes) {
      t.over_cap_ = true;
      return 0;  // curl ends the transfer with CURLE_WRITE_ERROR
    }
    try {
      body.append(data, n);
    } catch (...) {
      t.out_of_memory_ = true;
      return 0;
    }
    return n;
  }

  std::string detail(CURLcode result) const { return error_[0] != '\0' ? error_ : curl_easy_strerror(result); }

  std::string why(CURLcode result) const {
    switch (result) {
      case CURLE_OPERATION_TIMEDOUT: return "timed out (" + detail(result) + ")";
      case CURLE_COULDNT_CONNECT: return "connection refused (" + detail(result) + ")";
      case CURLE_COULDNT_RESOLVE_HOST: return "unknown host (" + detail(result) + ")";
      case CURLE_GOT_NOTHING: return "closed without replying";
      case CURLE_RECV_ERROR:
      case CURLE_SEND_ERROR: return "connection broken (" + detail(result) + ")";
      case CURLE_PARTIAL_FILE: return "truncated (" + detail(result) + ")";
      case CURLE_WEIRD_SERVER_REPLY: return "malformed response (" + detail(result) + ")";
      case CURLE_TOO_MANY_REDIRECTS: return "too many redirects";
      case CURLE_WRITE_ERROR:
        if (over_cap_) return "body over max_bytes (" + std::to_string(op_.max_bytes) + " bytes)";
        if (out_of_memory_) return "out of memory for the body";
        return detail(result);
      default: return detail(result);
    }
  }

  CURL* easy_;
  Io::HttpGet& op_;
  char error_[CURL_ERROR_SIZE] = {};
  bool over_cap_ = false;
  bool out_of_memory_ = false;
};

}  // namespace concur
