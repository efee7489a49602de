#include "blocking_io.hpp"

#include <curl/curl.h>

#include <stdexcept>
#include <string>
#include <thread>

namespace concur {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

class BlockingIo final : public Io {
 public:
  bool begin(Sleep& op) noexcept override {
    std::this_thread::sleep_for(op.duration);
    return true;
  }

  bool begin(Compute& op) noexcept override {
    try {
      op.work();
    } catch (...) {
      op.failure = std::current_exception();
    }
    return true;
  }

  bool begin(HttpGet& op) noexcept override {
    try {
      get(op.url, op.response);
    } catch (...) {
      op.failure = std::current_exception();
    }
    return true;
  }

 private:
  void get(const std::string& url, HttpResponse& response) {
    if (!easy_) {
      easy_.reset(curl_easy_init());
      if (!easy_) throw std::runtime_error("curl_easy_init failed");
    }
    CURL* h = easy_.get();
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    // Signals would interrupt other threads' sleeps; the threaded resolver needs none.
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      response.error = error[0] ? error : curl_easy_strerror(rc);
      response.status = 0;
      return;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  }

  CurlEasy easy_;
};

}  // namespace

std::unique_ptr<Io> make_blocking_io() { return std::make_unique<BlockingIo>(); }

}  // namespace concur
