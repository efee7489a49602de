#include "util/blocking_io.hpp"

#include <curl/curl.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "concur/curl_transfer.hpp"

namespace concur {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

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
      if (!easy_) {
        easy_.reset(curl_easy_init());
        if (!easy_) throw std::runtime_error("curl_easy_init failed");
      }
      CurlTransfer transfer(easy_.get(), op);
      transfer.finish(curl_easy_perform(easy_.get()));
    } catch (...) {
      op.failure = std::current_exception();
    }
    return true;
  }

 private:
  // Made on first use, in the thread (or process) that uses it, and kept: its
  // connection is reused for the next request to the same server.
  CurlEasy easy_;
};

}  // namespace

std::unique_ptr<Io> make_blocking_io() { return std::make_unique<BlockingIo>(); }

}  // namespace concur
