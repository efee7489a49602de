// main() of the fork strategy's tests: loads the plugin while the process is single-threaded, then runs GoogleTest.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <iostream>

#include "fork_plugin.hpp"

namespace concur_fork_test {

std::filesystem::path fork_plugin_path() { return std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "fork.so"; }

concur::LoadedPlugin& fork_plugin() {
  static concur::LoadedPlugin plugin;
  return plugin;
}

}  // namespace concur_fork_test

int main(int argc, char** argv) {
  // Tasks abort on purpose here; their workers need not write core files.
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  // As the concur command does: libcurl's global state first, then plugins,
  // all before any thread exists (GoogleTest starts none).
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    concur_fork_test::fork_plugin() = concur::load_plugin(concur_fork_test::fork_plugin_path());
  } catch (const std::exception& e) {
    std::cerr << "cannot load the fork plugin: " << e.what() << '\n';
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  concur_fork_test::fork_plugin() = {};  // the server exits and is reaped before curl goes
  curl_global_cleanup();
  return rc;
}
