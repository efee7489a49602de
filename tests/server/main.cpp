// main() of the flag server's tests: libcurl's global state before any thread (servers run on threads), then GoogleTest.
#include <curl/curl.h>
#include <gtest/gtest.h>

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  curl_global_cleanup();
  return rc;
}
