// concur report and concur plot on a hand-written results file: every format parses, every chart is a valid image.
#include <fstream>
#include <sstream>

#include "cli_fixture.hpp"

namespace concur_e2e {
namespace {

using ReportCli = Cli;

const std::string sample = CONCUR_REPORT_SAMPLE;

std::size_t line_count(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += c == '\n';
  return n;
}

// Is `file` well-formed XML? Python's own parser says, run from the test.
bool well_formed_xml(const fs::path& file) {
  const std::string command = std::string(CONCUR_SYSTEM_PYTHON) +
                              " -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '" +
                              file.string() + "' 2>/dev/null";
  return std::system(command.c_str()) == 0;
}

bool png_signature(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[8] = {};
  in.read(head, 8);
  return in && std::string(head, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

TEST_F(ReportCli, TableIsTheDefault) {
  const Result r = concur("report '" + sample + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("loiter (durations=[0, 1, 2, 3, 4], unit=100ms, repeat=1), 5 tasks a batch"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("knee at 2 workers"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(ReportCli, EveryFormatParses) {
  Result r = concur("report '" + sample + "' --format json -o report.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = read_json("report.json");
  EXPECT_EQ(doc["groups"].size(), 3u);

  r = concur("report '" + sample + "' --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(line_count(r.out), 1u + 12u);  // header, then one line per case

  r = concur("report '" + sample + "' --format markdown");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# concur report: report-sample\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\n| strategy | workers | time |"), std::string::npos) << r.out;

  r = concur("report '" + sample + "' --format html -o report.html");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir_ / "report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // The speedup chart of each group, the outcomes of the downloads group, the loiter and downloads timelines.
  std::size_t charts = 0;
  for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++charts;
  EXPECT_EQ(charts, 3u + 1u + 2u);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
}

TEST_F(ReportCli, BadInputIsOneLineAndExit2) {
  for (const std::string& args :
       {std::string("report missing.json"), "report '" + sample + "' --format pdf",
        "report '" + sample + "' --baseline nosuch", "plot '" + sample + "' -o chart.gif",
        "plot '" + sample + "' -o chart.svg --chart pie", "plot '" + sample + "' -o nofolder/chart.svg",
        "plot '" + sample + "' -o chart.svg --case nosuch/threads/workers:1"}) {
    const Result r = concur(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err.rfind("concur: ", 0), 0u) << args << ": " << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << args << ": " << r.err;
  }
  const Result r = concur("report '" + sample + "' --baseline nosuch");
  EXPECT_NE(r.err.find("expected one of fork, sequential, threads, uring"), std::string::npos) << r.err;
  write("broken.json", "{\"benchmarks\": [{\"run_name\": \"a/b/workers:1\"}]}");
  const Result broken = concur("report broken.json");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_EQ(broken.err, "concur: broken.json: benchmarks[0].real_time: expected a number\n");
}

TEST_F(ReportCli, SpeedupChartIsWellFormedSvg) {
  const Result r = concur("plot '" + sample + "' -o rc4.svg --chart speedup");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Three groups, so one file per group beside the name given.
  EXPECT_EQ(r.out, "rc4-speedup-rc4.svg\nrc4-speedup-loiter.svg\nrc4-speedup-flags-delay.svg\n");
  for (const char* name : {"rc4-speedup-rc4.svg", "rc4-speedup-loiter.svg", "rc4-speedup-flags-delay.svg"}) {
    ASSERT_TRUE(fs::exists(dir_ / name)) << name;
    EXPECT_GT(fs::file_size(dir_ / name), 0u);
    EXPECT_TRUE(well_formed_xml(dir_ / name)) << name;
  }
  EXPECT_NE(slurp(dir_ / "rc4-speedup-rc4.svg").find("ideal"), std::string::npos);
}

TEST_F(ReportCli, OneTimelineGoesWhereItIsTold) {
  const Result r = concur("plot '" + sample + "' -o gantt.svg --chart timeline --case loiter/threads/workers:3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "gantt.svg\n");
  EXPECT_TRUE(well_formed_xml(dir_ / "gantt.svg"));
}

TEST_F(ReportCli, AllChartsAsPng) {
  const Result r = concur("plot '" + sample + "' -o all.png --chart all");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 3 speedup charts, the loiter and downloads timelines (rc4's is not drawn), 1 outcomes chart.
  EXPECT_EQ(line_count(r.out), 6u) << r.out;
  EXPECT_NE(r.out.find("all-timeline-loiter-threads-workers-3.png\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("all-outcomes-flags-delay.png\n"), std::string::npos) << r.out;
  std::istringstream files(r.out);
  for (std::string name; std::getline(files, name);) {
    ASSERT_TRUE(fs::exists(dir_ / name)) << name;
    EXPECT_TRUE(png_signature(dir_ / name)) << name;
  }
}

TEST_F(ReportCli, NothingToDrawIsSaid) {
  write("cpu.json", R"({"benchmarks": [{"run_name": "rc4/threads/workers:1", "real_time": 1, "time_unit": "s"}]})");
  const Result r = concur("plot cpu.json -o c.svg --chart outcomes");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nothing to draw"), std::string::npos) << r.err;
}

TEST_F(ReportCli, MissingGnuplotSaysHowToInstallIt) {
  // A PATH with no gnuplot on it; concur is run by its full path.
  const Result r = sh("PATH=/nonexistent '" + std::string(CONCUR_BINARY) + "' plot '" + sample + "' -o c.svg");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "concur: gnuplot not found on PATH; charts need it: apt-get install gnuplot-nox\n");
  EXPECT_FALSE(fs::exists(dir_ / "c.svg"));
  const Result html = sh("PATH=/nonexistent '" + std::string(CONCUR_BINARY) + "' report '" + sample +
                         "' --format html -o r.html");
  EXPECT_EQ(html.exit_code, 2);
  EXPECT_NE(html.err.find("apt-get install gnuplot-nox"), std::string::npos) << html.err;
  EXPECT_FALSE(fs::exists(dir_ / "r.html"));
}

}  // namespace
}  // namespace concur_e2e
