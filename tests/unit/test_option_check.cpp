// A suite's options checked against the strategies of its run: unknown names, bad values, where they are written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "run/case_plan.hpp"
#include "run/option_check.hpp"

namespace concur {
namespace {

namespace fs = std::filesystem;

class Declaring final : public Strategy {
 public:
  Declaring(std::string name, std::vector<Option> options) : name_(std::move(name)), options_(std::move(options)) {}
  std::string_view name() const noexcept override { return name_; }
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override { return "test strategy"; }
  std::span<const Option> options() const noexcept override { return options_; }
  RunReport run(Batch&, const RunOptions&) noexcept override { return {}; }

 private:
  std::string name_;
  std::vector<Option> options_;
};

LoadedPlugin plugin(std::string name, std::vector<Option> options, bool available = true) {
  LoadedPlugin p;
  p.path = name + ".so";
  p.strategy = std::make_shared<Declaring>(std::move(name), std::move(options));
  p.availability.available = available;
  p.availability.reason = available ? "" : "not here";
  return p;
}

class OptionCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = fs::temp_directory_path() /
            ("concur-option-check-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
    plugins_.plugins.push_back(plugin("ring", {Option::integer("offload_threads", 2, 1, 64, "helpers")}));
    plugins_.plugins.push_back(plugin("threads", {}));
  }
  void TearDown() override { fs::remove(file_); }

  // A suite running `strategies` with `option: value` on line 4 (key at column 3).
  Suite suite(const std::string& strategies, const std::string& option, const std::string& value) {
    std::ofstream(file_) << "strategies: [" << strategies << "]\nworkers: [1]\noptions:\n  " << option << ": "
                         << value << "\nworkloads:\n  - workload: loiter\n";
    return load_suite(file_, plugins_.names());
  }

  // The check's error, "" when there is none.
  std::string error_of(const Suite& s) {
    try {
      check_options(s, plugins_);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  fs::path file_;
  PluginSet plugins_;
};

TEST_F(OptionCheck, ADeclaredOptionWithAGoodValuePasses) {
  EXPECT_EQ(error_of(suite("threads, ring", "offload_threads", "4")), "");
}

TEST_F(OptionCheck, AnUnknownOptionSuggestsTheNearestDeclaredOne) {
  EXPECT_EQ(error_of(suite("threads, ring", "ofload_threads", "4")),
            file_.string() + ":4:3: options: unknown option 'ofload_threads'; did you mean 'offload_threads'?");
}

TEST_F(OptionCheck, AnUnknownOptionFarFromAnyListsTheDeclaredOnes) {
  EXPECT_EQ(error_of(suite("ring", "zzz", "4")),
            file_.string() + ":4:3: options: unknown option 'zzz'; expected one of offload_threads");
  EXPECT_EQ(error_of(suite("threads", "zzz", "4")),
            file_.string() + ":4:3: options: unknown option 'zzz'; this run's strategies (threads) declare no options");
}

TEST_F(OptionCheck, AnOptionOfAStrategyOutsideTheRunIsUnknown) {
  EXPECT_EQ(error_of(suite("threads", "offload_threads", "4")),
            file_.string() +
                ":4:3: options: unknown option 'offload_threads' for this run's strategies (threads); it is an "
                "option of ring");
}

TEST_F(OptionCheck, ABadValueNamesItsPlaceWhatWasExpectedAndTheStrategy) {
  EXPECT_EQ(error_of(suite("threads, ring", "offload_threads", "0")),
            file_.string() + ":4:20: options.offload_threads: expected an integer from 1 to 64, got \"0\" (option of ring)");
  EXPECT_EQ(error_of(suite("ring", "offload_threads", "many")),
            file_.string() +
                ":4:20: options.offload_threads: expected an integer from 1 to 64, got \"many\" (option of ring)");
}

// Two strategies declaring one name: the value must suit both.
TEST_F(OptionCheck, EveryStrategyDeclaringAnOptionChecksItsValue) {
  plugins_.plugins.push_back(plugin("tight", {Option::integer("offload_threads", 1, 1, 8, "helpers")}));
  EXPECT_EQ(error_of(suite("ring, tight", "offload_threads", "8")), "");
  EXPECT_EQ(error_of(suite("ring, tight", "offload_threads", "9")),
            file_.string() + ":4:20: options.offload_threads: expected an integer from 1 to 8, got \"9\" (option of tight)");
}

// A suite must not turn invalid on a machine where a strategy is unavailable.
TEST_F(OptionCheck, AllMeansEveryLoadedStrategyUnavailableOnesIncluded) {
  plugins_.plugins.front() = plugin("ring", {Option::integer("offload_threads", 2, 1, 64, "helpers")}, false);
  EXPECT_EQ(error_of(suite("all", "offload_threads", "4")), "");
}

// Planning checks the options first; --filter picks cases, not the strategies the options are for.
TEST_F(OptionCheck, PlanningChecksOptionsWhateverTheFilter) {
  const Suite s = suite("threads, ring", "offload_threads", "4");
  EXPECT_EQ(plan_cases(s, plugins_, "threads").size(), 1u);
  EXPECT_THROW(plan_cases(suite("threads, ring", "ofload_threads", "4"), plugins_, "threads"), ConfigError);
}

}  // namespace
}  // namespace concur
