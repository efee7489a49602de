// run_gnuplot: a failing script is an error with gnuplot's complaint; the temporary folder goes away.
#include <gtest/gtest.h>

#include <fstream>

#include "results/gnuplot_runner.hpp"
#include "util/temp_dir.hpp"

namespace concur {
namespace {

TEST(GnuplotRunner, QuotesAreDoubled) { EXPECT_EQ(gnuplot_quoted("it's"), "'it''s'"); }

TEST(GnuplotRunner, AFailingScriptIsAnErrorWithItsComplaint) {
  ASSERT_TRUE(find_gnuplot()) << gnuplot_missing_message;
  TempDir dir("concur-test-gnuplot-");
  try {
    run_gnuplot("set terminal svg\nset output '/dev/null'\nplot no_such_function(x)\n", dir.path());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("gnuplot exited with status ", 0), 0u) << message;
    EXPECT_NE(message.find("undefined function"), std::string::npos) << message;
  }
}

TEST(GnuplotRunner, AScriptDrawsIntoItsOutput) {
  TempDir dir("concur-test-gnuplot-");
  const std::filesystem::path out = dir.path() / "x.svg";
  run_gnuplot("set terminal svg\nset output " + gnuplot_quoted(out.string()) + "\nplot x\n", dir.path());
  EXPECT_GT(std::filesystem::file_size(out), 0u);
}

TEST(TempDir, IsRemovedWithWhatItHolds) {
  std::filesystem::path kept;
  {
    TempDir dir("concur-test-tempdir-");
    kept = dir.path();
    std::ofstream(kept / "file") << "x";
    EXPECT_TRUE(std::filesystem::is_directory(kept));
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace concur
