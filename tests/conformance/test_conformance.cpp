// Conformance suite: every conformance check, parameterised over every plugin in the build's plugin folder.
#include <gtest/gtest.h>

#include <curl/curl.h>

#include <string>
#include <vector>

#include "host/plugin_loader.hpp"
#include "run/conformance.hpp"

namespace {

// Loaded in main() before any test (and so any thread) runs: the fork
// strategy's server may only be forked from a single-threaded process.
// GoogleTest's parameter generators need the list before InitGoogleTest.
concur::PluginSet& plugins() {
  static concur::PluginSet set;
  return set;
}

struct Param {
  const concur::LoadedPlugin* plugin;
  const concur::ConformanceCheck* check;
};

std::vector<Param> all_params() {
  std::vector<Param> params;
  for (const concur::LoadedPlugin& p : plugins().plugins) {
    for (const concur::ConformanceCheck& c : concur::conformance_checks()) params.push_back({&p, &c});
  }
  return params;
}

void PrintTo(const Param& p, std::ostream* os) { *os << p.plugin->strategy->name() << '/' << p.check->name; }

class Conformance : public ::testing::TestWithParam<Param> {};

TEST_P(Conformance, Check) {
  const Param& p = GetParam();
#if defined(__SANITIZE_THREAD__)
  if (p.plugin->strategy->isolates_tasks()) GTEST_SKIP() << "process-pool strategies are not checked under TSan";
#endif
  const concur::CheckResult r = concur::run_check(*p.check, *p.plugin->strategy);
  if (r.status == concur::CheckStatus::skipped) GTEST_SKIP() << r.detail;
  EXPECT_EQ(r.status, concur::CheckStatus::passed) << p.plugin->path.string() << ": " << r.name << ": " << r.detail;
}

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  std::string name = std::string(info.param.plugin->strategy->name()) + "_" + info.param.check->name;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Plugins, Conformance, ::testing::ValuesIn(all_params()), param_name);

TEST(ConformanceSetup, EveryBuiltPluginLoaded) {
  EXPECT_TRUE(plugins().errors.empty()) << plugins().errors.front();
  for (const char* name : {"sequential", "threads"}) EXPECT_NE(plugins().find(name), nullptr) << name;
}

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  plugins() = concur::load_plugins({CONCUR_TEST_PLUGIN_DIR});
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  curl_global_cleanup();
  return rc;
}
