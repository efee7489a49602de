// CurlMulti and CurlEasy: libcurl's multi and easy handles owned, each cleaned up exactly once.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace concur_uring {

struct CurlMultiCleanup {
  void operator()(CURLM* multi) const noexcept { curl_multi_cleanup(multi); }
};
struct CurlEasyCleanup {
  void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};

// Remove every easy handle from a multi before either is cleaned up; once
// removed, the two may go in any order.
using CurlMulti = std::unique_ptr<CURLM, CurlMultiCleanup>;
using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;

}  // namespace concur_uring
