// Cli: a test's own folder, and the real concur binary run in it with both streams captured.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace concur_e2e {

namespace fs = std::filesystem;
using nlohmann::json;


struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("concur-e2e-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  // Runs a command line in the test's folder, capturing both streams.
  Result sh(const std::string& command) {
    const std::string full = "cd '" + dir_.string() + "' && " + command + " >stdout.txt 2>stderr.txt";
    const int status = std::system(full.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_ / "stdout.txt");
    r.err = slurp(dir_ / "stderr.txt");
    return r;
  }
  Result concur(const std::string& args) { return sh(std::string("'") + CONCUR_BINARY + "' " + args); }

  // Processes still running with this test's folder in their command line
  // (children, fork workers, servers); "" when none. The pattern's first
  // letter in brackets keeps pgrep from finding the shell that runs it.
  std::string left_behind() {
    const std::string folder = dir_.filename().string();
    const std::string pattern = dir_.parent_path().string() + "/[" + folder.substr(0, 1) + "]" + folder.substr(1);
    std::string found;
    // Not through sh(): its `cd` into the folder would be found.
    if (std::FILE* p = ::popen(("pgrep -af '" + pattern + "'").c_str(), "r")) {
      char line[4096];
      while (std::fgets(line, sizeof line, p)) found += line;
      ::pclose(p);
    }
    return found;
  }

  json read_json(const std::string& name) {
    std::ifstream f(dir_ / name);
    return json::parse(f);  // throws on invalid JSON (NaN, Infinity, truncation)
  }

  fs::path dir_;
};

}  // namespace concur_e2e
