// concur report's formats on a hand-written results file: each parses, and has the shape its readers expect.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "results/report_formats.hpp"

namespace concur {
namespace {

using nlohmann::json;

ScalingReport sample_report() {
  return scaling_report(read_results(std::filesystem::path(CONCUR_SOURCE_DIR) / "tests/data/report-sample.json"),
                        "sequential", NoiseLimits{});
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

constexpr std::size_t sample_cases = 12;  // rc4 6 (fork failed), loiter 3, flags-delay 3

TEST(ReportFormats, TableReadsLikeTheOriginalExperiments) {
  std::ostringstream out;
  write_report_table(out, sample_report());
  const std::string text = out.str();
  EXPECT_NE(text.find(R"(rc4 (jobs=12, size=256 KiB, spread=12, key="concur"), 12 tasks a batch)"), std::string::npos) << text;
  EXPECT_NE(text.find("workers"), std::string::npos);
  EXPECT_NE(text.find("speedup"), std::string::npos);
  EXPECT_NE(text.find("vs sequential"), std::string::npos);
  EXPECT_NE(text.find("FAILED: killed by signal 11"), std::string::npos);
  EXPECT_NE(text.find("threads: best 4 workers (200 ms), knee at 2 workers (2 -> 3: +2.4%)"), std::string::npos) << text;
  EXPECT_NE(text.find("warning: flags-delay/sequential/workers:1: 3 repetitions < 5"), std::string::npos);
  EXPECT_NE(text.find("* more workers than the 2 cores"), std::string::npos);
  // The 2-worker threads row: median, min, max, 5 repetitions, 1.90x twice, ideal 200 ms, 95%.
  bool found = false;
  for (const std::string& line : lines_of(text.substr(0, text.find("\nloiter (")))) {  // the rc4 table
    if (line.rfind("threads ", 0) != 0 || line.find(" 2 ") == std::string::npos) continue;
    std::istringstream cells(line);
    std::vector<std::string> words;
    for (std::string w; cells >> w;) words.push_back(w);
    if (words.size() < 2 || words[1] != "2") continue;
    found = true;
    EXPECT_NE(line.find("1.90x"), std::string::npos) << line;
    EXPECT_NE(line.find("95%"), std::string::npos) << line;
  }
  EXPECT_TRUE(found) << text;
  bool marked = false;
  for (const std::string& line : lines_of(text)) marked |= line.find(" 3* ") != std::string::npos;
  EXPECT_TRUE(marked) << text;
}

TEST(ReportFormats, MarkdownTablesHaveOneCellPerColumnOnEveryLine) {
  std::ostringstream out;
  const ScalingReport report = sample_report();
  write_report_markdown(out, report);
  const std::size_t columns = report_header(report).size();
  std::size_t table_lines = 0, separators = 0;
  for (const std::string& line : lines_of(out.str())) {
    if (line.empty() || line[0] != '|') continue;
    ++table_lines;
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i) pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    EXPECT_EQ(pipes, columns + 1) << line;
    EXPECT_EQ(line.back(), '|') << line;
    separators += line.rfind("|---|", 0) == 0;
  }
  EXPECT_EQ(separators, report.groups.size());
  EXPECT_EQ(table_lines, 2 * report.groups.size() + sample_cases);  // header and separator per group, a line per case
}

TEST(ReportFormats, CsvHasAHeaderAndALinePerCase) {
  std::ostringstream out;
  write_report_csv(out, sample_report());
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 1 + sample_cases);
  const auto fields = [](const std::string& line) {
    std::size_t n = 1;
    bool quoted = false;
    for (const char c : line) {
      if (c == '"') quoted = !quoted;
      n += c == ',' && !quoted;
    }
    return n;
  };
  for (const std::string& line : lines) EXPECT_EQ(fields(line), fields(lines[0])) << line;
  EXPECT_EQ(lines[0].rfind("group,workload,strategy,workers,", 0), 0u);
  EXPECT_NE(out.str().find("rc4,rc4,threads,2,0,5,0.21,0.21,0.21,0,1.9047619"), std::string::npos) << out.str();
}

TEST(ReportFormats, JsonParsesWithEveryFigure) {
  std::ostringstream out;
  write_report_json(out, sample_report());
  const json doc = json::parse(out.str());
  EXPECT_EQ(doc["baseline"], "sequential");
  EXPECT_EQ(doc["cores"], 2);
  ASSERT_EQ(doc["groups"].size(), 3u);
  const json& rc4 = doc["groups"][0];
  EXPECT_EQ(rc4["group"], "rc4");
  EXPECT_EQ(rc4["strategies"][0]["knee"], 2);
  EXPECT_EQ(rc4["strategies"][0]["best_workers"], 4);
  std::size_t rows = 0;
  for (const json& g : doc["groups"]) rows += g["rows"].size();
  EXPECT_EQ(rows, sample_cases);
  const json& loiter = doc["groups"][1];
  EXPECT_NEAR(loiter["rows"][2]["ideal_seconds"].get<double>(), 0.5, 1e-12);
  EXPECT_TRUE(doc["groups"][0]["rows"][5].contains("error"));
}

TEST(ReportFormats, HtmlIsOnePageWithItsChartsInline) {
  std::ostringstream out;
  const std::string svg =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<svg width=\"10\">"
      "<path id='gpPt0'/><use xlink:href='#gpPt0' filter='url(#textbox)'/></svg>\n";
  write_report_html(out, sample_report(), {{"speedup: rc4", svg}, {"speedup: loiter", svg}});
  const std::string html = out.str();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  // Each chart's ids are its own, so the second chart's points are not drawn with the first's.
  EXPECT_NE(html.find("<svg width=\"10\"><path id='chart0-gpPt0'/><use xlink:href='#chart0-gpPt0' "
                      "filter='url(#chart0-textbox)'/></svg>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<path id='chart1-gpPt0'/>"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);  // no XML declaration inside the page
  EXPECT_EQ(html.find("<link"), std::string::npos);  // nothing fetched from elsewhere
  EXPECT_EQ(html.find("<script"), std::string::npos);
  std::size_t tables = 0;
  for (std::size_t at = html.find("<table>"); at != std::string::npos; at = html.find("<table>", at + 1)) ++tables;
  EXPECT_EQ(tables, 3u);
  EXPECT_NE(html.find("colspan"), std::string::npos);  // the failed case's reason spans the figures
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(ReportFormats, ACaseWithSeveralWarningsHasOneLine) {
  ScalingGroup group;
  ScalingRow noisy, quiet;
  noisy.name = "rc4/threads/workers:2";
  noisy.warnings = {"cv 7.2% > 5%", "3 repetitions < 5"};
  quiet.name = "rc4/threads/workers:1";
  group.rows = {noisy, quiet};
  EXPECT_EQ(warning_lines(group), std::vector<std::string>{"rc4/threads/workers:2: cv 7.2% > 5%; 3 repetitions < 5"});
  // The csv's warnings cell holds the same text.
  ScalingReport report;
  report.groups = {group};
  std::ostringstream csv;
  write_report_csv(csv, report);
  EXPECT_NE(csv.str().find(",cv 7.2% > 5%; 3 repetitions < 5,"), std::string::npos) << csv.str();
}

}  // namespace
}  // namespace concur
