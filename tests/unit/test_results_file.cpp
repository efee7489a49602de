// The results file: JSON text with every control character escaped, the checks of its path before a run, its atomic write.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "results/results_file.hpp"
#include "results/results_json.hpp"

namespace concur {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(ResultsJson, EveryControlCharacterIsWrittenAsAUnicodeEscape) {
  constexpr char raw[] = "nul\0 soh\x01 bs\b tab\t lf\n ff\f cr\r us\x1f del\x7f nel\xc2\x85 apc\xc2\x9f";
  const std::string controls(raw, sizeof raw - 1);
  const json doc = {{"text", controls}, {"quoted", "a \"b\" c\\d \\n é \xc2\xa0"}};
  const std::string text = json_text(doc);
  EXPECT_NE(text.find(R"("nul\u0000 soh\u0001 bs\u0008 tab\u0009 lf\u000a ff\u000c cr\u000d us\u001f del\u007f )"
                      R"(nel\u0085 apc\u009f")"),
            std::string::npos)
      << text;
  // Quotes, backslashes (one before an 'n' too) and characters past U+009F stay as they were.
  EXPECT_NE(text.find(R"("a \"b\" c\\d \\n é )" "\xc2\xa0\""), std::string::npos) << text;
  for (const char c : text) EXPECT_TRUE(c == '\n' || static_cast<unsigned char>(c) >= 0x20) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(json::parse(text), doc);
}

TEST(ResultsJson, BytesThatAreNotUtf8AreReplacedNotThrown) {
  const std::string text = json_text(json{{"path", "a\xff" "b"}});
  EXPECT_EQ(json::parse(text).at("path"), "a\xef\xbf\xbd" "b");
}

class ResultsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("concur-results-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Nothing but what the test put there: no temporary file is left behind.
  std::size_t files() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }

  fs::path dir_;
};

TEST_F(ResultsFile, APathIsCheckedBeforeTheRun) {
  EXPECT_EQ(results_path_problem(dir_ / "o.json"), "");
  EXPECT_EQ(files(), 0u);
  EXPECT_EQ(results_path_problem(""), "empty; expected a file name");
  EXPECT_EQ(results_path_problem(dir_), "is a folder; expected a file path");
  EXPECT_EQ(results_path_problem("/dev/null"), "is not a regular file; expected a file the results can replace");
  EXPECT_EQ(results_path_problem(dir_ / "missing" / "o.json"),
            "no folder " + (dir_ / "missing").string() + "; expected an existing folder");
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
  // Permission bits do not stop root; sysfs takes no new file from anyone.
  EXPECT_EQ(results_path_problem("/sys/o.json"), "cannot write in /sys: Permission denied");
}

TEST_F(ResultsFile, TheWriteReplacesTheFileWhole) {
  const fs::path path = dir_ / "o.json";
  std::ofstream(path) << "old";
  write_results_file(path, "new\n");
  std::stringstream read;
  read << std::ifstream(path).rdbuf();
  EXPECT_EQ(read.str(), "new\n");
  EXPECT_EQ(files(), 1u);

  // A folder where the file should go: the error names it and nothing is left.
  fs::create_directories(dir_ / "taken");
  fs::create_directories(dir_ / "taken" / "inside");
  try {
    write_results_file(dir_ / "taken", "x");
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "taken").string() + ": cannot replace: Is a directory");
  }
  EXPECT_EQ(files(), 2u);
}

// A process killed in the middle of the final write leaves the old file or
// the new one, and no temporary file beside it.
TEST_F(ResultsFile, AWriterKilledMidWriteLeavesNoStrayFile) {
  const fs::path path = dir_ / "o.json";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string text(std::size_t{256} << 20, 'x');  // made before the signal: the kill lands in the write
    const char go = 1;
    if (::write(ready[1], &go, 1) != 1) ::_exit(2);
    write_results_file(path, text);
    ::_exit(0);
  }
  char go = 0;
  ASSERT_EQ(::read(ready[0], &go, 1), 1);
  ::close(ready[0]);
  ::close(ready[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the write ended before the kill: the test proves nothing";
  for (const fs::directory_entry& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path(), path) << "left behind";
    EXPECT_EQ(fs::file_size(e.path()), std::size_t{256} << 20) << "a part of the file";
  }
}

}  // namespace
}  // namespace concur
