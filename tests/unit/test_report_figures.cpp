// concur report's figures on hand-written results files: ideals, speedups, efficiency, knee, noise, the old format.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "results/ideal_models.hpp"
#include "results/noise_checks.hpp"
#include "results/results_reader.hpp"
#include "results/scaling_table.hpp"

namespace concur {
namespace {

using nlohmann::json;

const std::filesystem::path sample = std::filesystem::path(CONCUR_SOURCE_DIR) / "tests/data/report-sample.json";

const ScalingGroup& group_of(const ScalingReport& report, const std::string& name) {
  for (const ScalingGroup& g : report.groups) {
    if (g.group == name) return g;
  }
  throw std::runtime_error("no group " + name);
}

const ScalingRow& row_of(const ScalingGroup& g, const std::string& strategy, unsigned workers) {
  for (const ScalingRow& r : g.rows) {
    if (r.strategy == strategy && r.workers == workers) return r;
  }
  throw std::runtime_error("no row " + strategy);
}

ScalingReport sample_report(const std::string& baseline = "sequential") {
  return scaling_report(read_results(sample), baseline, NoiseLimits{});
}

// Worked by hand: tasks 0, 1, 2, 3, 4 s on 3 workers, each to the first
// free one (the lowest numbered on a tie): w0 takes 0 s and then 1 s (free
// at 1), w1 takes 2 s (free at 2), w2 takes 3 s (free at 3), then w0, free
// first, takes 4 s and ends at 5: the suite's "5 s in all".
TEST(IdealModels, LoiterListScheduleWorkedByHand) {
  const std::vector<double> tasks{0, 1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(list_schedule_makespan(tasks, 3), 5);
  // 2 workers: w0 0 s, 1 s (1); w1 2 s (2); w0 3 s (4); w1 4 s (6).
  EXPECT_DOUBLE_EQ(list_schedule_makespan(tasks, 2), 6);
  EXPECT_DOUBLE_EQ(list_schedule_makespan(tasks, 1), 10);
  EXPECT_DOUBLE_EQ(list_schedule_makespan(tasks, 8), 4);
}

// The list schedule a pool runs, not the best packing: 3, 3, 2, 2, 2 on two
// workers packs into 6 (3+3 | 2+2+2), but taken in order it is 3+2+2 = 7.
TEST(IdealModels, LoiterIdealIsTheInOrderScheduleNotTheOptimalPacking) {
  EXPECT_DOUBLE_EQ(list_schedule_makespan({3, 3, 2, 2, 2}, 2), 7);
}

TEST(IdealModels, LoiterFromGroupParamsWithRepeat) {
  GroupInfo g;
  g.params = json{{"durations", {1, 2}}, {"unit", 500000000}, {"repeat", 2}};  // 0.5 s, 1 s, 0.5 s, 1 s
  const IdealModel m = IdealModel::for_group("loiter", &g, 4);
  ASSERT_EQ(m.kind(), IdealModel::Kind::time);
  EXPECT_DOUBLE_EQ(*m.seconds(1), 3.0);
  // w0: 0.5 s, w1: 1 s, w0 (free at 0.5): 0.5 s, then w0 and w1 both free at 1: w0 takes 1 s, ends at 2.
  EXPECT_DOUBLE_EQ(*m.seconds(2), 2.0);
  EXPECT_DOUBLE_EQ(*m.scaling(2), 1.5);
}

TEST(IdealModels, DownloadsOnTheDelayServerAreRoundsOfOneDelay) {
  GroupInfo g;
  g.batch_tasks = 20;
  g.params = json{{"server", "delay"}};
  const IdealModel m = IdealModel::for_group("downloads", &g, 2);
  ASSERT_EQ(m.kind(), IdealModel::Kind::time);
  EXPECT_DOUBLE_EQ(*m.seconds(1), 20.0);
  EXPECT_DOUBLE_EQ(*m.seconds(3), 7.0);  // ceil(20 / 3) = 7 rounds of 1 s
  EXPECT_DOUBLE_EQ(*m.seconds(20), 1.0);
  EXPECT_DOUBLE_EQ(*m.seconds(200), 1.0);
}

TEST(IdealModels, NoIdealWhereTheParametersSayTooLittle) {
  GroupInfo url;
  url.batch_tasks = 20;
  url.params = json{{"server", "http://127.0.0.1:8002/flags"}};
  EXPECT_EQ(IdealModel::for_group("downloads", &url, 2).kind(), IdealModel::Kind::none);
  EXPECT_EQ(IdealModel::for_group("loiter", nullptr, 2).kind(), IdealModel::Kind::none);
  EXPECT_EQ(IdealModel::for_group("fault", &url, 2).kind(), IdealModel::Kind::none);
  EXPECT_EQ(IdealModel::for_group("rc4", nullptr, 0).kind(), IdealModel::Kind::none);  // cores unknown
}

TEST(IdealModels, CpuWorkScalesToTheCoresThenStops) {
  const IdealModel m = IdealModel::for_group("sha256", nullptr, 2);
  ASSERT_EQ(m.kind(), IdealModel::Kind::cpu);
  EXPECT_FALSE(m.seconds(2));
  EXPECT_DOUBLE_EQ(*m.ideal_time(2, 4.0, 1), 2.0);
  EXPECT_DOUBLE_EQ(*m.ideal_time(4, 4.0, 1), 2.0);
  EXPECT_DOUBLE_EQ(*m.ideal_time(4, 2.0, 2), 2.0);
}

TEST(ScalingTable, CpuGroupSpeedupsEfficiencyAndCoresMark) {
  const ScalingReport report = sample_report();
  EXPECT_EQ(report.cores, 2u);
  const ScalingGroup& rc4 = group_of(report, "rc4");
  EXPECT_EQ(rc4.batch_tasks, 12u);
  const ScalingRow& seq = row_of(rc4, "sequential", 1);
  EXPECT_DOUBLE_EQ(seq.median, 0.4);  // the aggregate's 9990 s is not a repetition
  EXPECT_DOUBLE_EQ(seq.min, 0.399);
  EXPECT_DOUBLE_EQ(seq.max, 0.401);
  const ScalingRow& two = row_of(rc4, "threads", 2);
  EXPECT_NEAR(*two.speedup, 0.400 / 0.210, 1e-9);
  EXPECT_NEAR(*two.vs_baseline, 0.400 / 0.210, 1e-9);
  EXPECT_NEAR(*two.ideal, 0.200, 1e-12);  // sequential's 400 ms over min(2, 2 cores)
  EXPECT_NEAR(*two.efficiency, 0.200 / 0.210, 1e-9);
  EXPECT_FALSE(two.over_cores);
  const ScalingRow& four = row_of(rc4, "threads", 4);
  EXPECT_TRUE(four.over_cores);
  EXPECT_TRUE(row_of(rc4, "threads", 3).over_cores);
  EXPECT_NEAR(*four.ideal, 0.200, 1e-12);  // past the cores no more is ideal
  const ScalingRow& fork = row_of(rc4, "fork", 2);
  EXPECT_NE(fork.error.find("signal 11"), std::string::npos);
  EXPECT_FALSE(fork.speedup);
}

TEST(ScalingTable, BestWorkersAndKnee) {
  const ScalingReport report = sample_report();
  const ScalingGroup& rc4 = group_of(report, "rc4");
  ASSERT_EQ(rc4.strategies.size(), 1u);  // sequential and the failed fork have one worker count at most
  const StrategySummary& threads = rc4.strategies[0];
  EXPECT_EQ(threads.strategy, "threads");
  EXPECT_EQ(threads.best_workers, 4u);
  // 1 -> 2 gains 90%, 2 -> 3 only 210/205 - 1 = 2.4%: the knee is at 2.
  ASSERT_TRUE(threads.knee);
  EXPECT_EQ(*threads.knee, 2u);
  EXPECT_EQ(threads.knee_next, 3u);
  EXPECT_NEAR(threads.knee_step_gain, 0.210 / 0.205 - 1, 1e-9);

  const ScalingGroup& loiter = group_of(report, "loiter");
  ASSERT_EQ(loiter.strategies.size(), 1u);
  EXPECT_FALSE(loiter.strategies[0].knee);  // 2 -> 3 gains 20%
  EXPECT_EQ(loiter.strategies[0].best_workers, 3u);
}

TEST(ScalingTable, LoiterAndDownloadsEfficiencyAgainstTheirIdealTimes) {
  const ScalingReport report = sample_report();
  const ScalingGroup& loiter = group_of(report, "loiter");
  EXPECT_NEAR(*row_of(loiter, "sequential", 1).ideal, 1.0, 1e-12);
  EXPECT_NEAR(*row_of(loiter, "threads", 2).ideal, 0.6, 1e-12);
  const ScalingRow& three = row_of(loiter, "threads", 3);
  EXPECT_NEAR(*three.ideal, 0.5, 1e-12);
  EXPECT_NEAR(*three.efficiency, 0.5 / 0.502, 1e-9);
  EXPECT_NEAR(*three.vs_baseline, 1.002 / 0.502, 1e-9);
  EXPECT_NE(loiter.ideal.find("list schedule"), std::string::npos);

  const ScalingGroup& delay = group_of(report, "flags-delay");
  EXPECT_EQ(delay.workload, "downloads");
  EXPECT_NEAR(*row_of(delay, "sequential", 1).ideal, 20.0, 1e-12);
  const ScalingRow& uring = row_of(delay, "uring", 20);
  EXPECT_NEAR(*uring.ideal, 1.0, 1e-12);
  EXPECT_NEAR(*uring.efficiency, 1.0 / 1.005, 1e-9);
  EXPECT_TRUE(uring.over_cores);  // marked whatever the workload: the note says what it means
}

TEST(ScalingTable, AnotherBaseline) {
  const ScalingReport report = sample_report("threads");
  const ScalingGroup& rc4 = group_of(report, "rc4");
  // vs threads' fewest workers (400 ms), and CPU ideals scaled from it.
  EXPECT_NEAR(*row_of(rc4, "threads", 4).vs_baseline, 2.0, 1e-9);
  EXPECT_NEAR(*row_of(rc4, "sequential", 1).vs_baseline, 1.0, 1e-9);
}

TEST(NoiseChecks, QuietTimesHaveNoWarnings) {
  EXPECT_TRUE(noise_warnings({1, 1.001, 0.999, 1, 1}, NoiseLimits{}).empty());
}

TEST(NoiseChecks, HighCvAndAnOutlier) {
  // median 1, MAD 0.01: the 1.5 s repetition has M = 0.6745 * 0.5 / 0.01 = 33.7.
  const std::vector<double> times{1, 1.01, 0.99, 1, 1.5};
  const std::vector<double> m = modified_z_scores(times);
  EXPECT_NEAR(m[4], 0.6745 * 0.5 / 0.01, 1e-9);
  EXPECT_NEAR(m[1], 0.6745, 1e-9);
  const std::vector<std::string> w = noise_warnings(times, NoiseLimits{});
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].rfind("cv ", 0), 0u) << w[0];
  EXPECT_NE(w[1].find("repetition 4"), std::string::npos) << w[1];
  EXPECT_NE(w[1].find("outlier"), std::string::npos) << w[1];
}

TEST(NoiseChecks, ZeroMadFallsBackToTheMeanAbsoluteDeviation) {
  // Deviations 0, 0, 0, 0, 1: MAD 0, mean 0.2, so M = 1 / (1.253314 * 0.2) = 3.99 > 3.5.
  const std::vector<double> m = modified_z_scores({1, 1, 1, 1, 2});
  EXPECT_NEAR(m[4], 1 / (1.253314 * 0.2), 1e-9);
  EXPECT_EQ(m[0], 0);
  EXPECT_TRUE(modified_z_scores({2, 2, 2}) == std::vector<double>(3, 0.0));
}

TEST(NoiseChecks, AnOutlierIsAlsoMoreThanOnePercentOff) {
  // MAD 0: 503 ms has M = 3.99 among four 502s, yet is 0.2% off the median.
  EXPECT_TRUE(noise_warnings({0.502, 0.502, 0.503, 0.502, 0.502}, NoiseLimits{}).empty());
  EXPECT_EQ(noise_warnings({1, 1, 1, 1, 2}, NoiseLimits{}).size(), 2u);  // cv 44.7%, and repetition 4
}

TEST(NoiseChecks, TooFewRepetitions) {
  const std::vector<std::string> w = noise_warnings({1, 1, 1}, NoiseLimits{});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "3 repetitions < 5");
}

TEST(NoiseChecks, TheSampleFlagsItsNoisyCases) {
  const ScalingReport report = sample_report();
  const ScalingGroup& delay = group_of(report, "flags-delay");
  EXPECT_EQ(row_of(delay, "sequential", 1).warnings, std::vector<std::string>{"3 repetitions < 5"});
  EXPECT_EQ(row_of(delay, "threads", 20).warnings.size(), 2u);  // cv and the 1.5 s repetition
  EXPECT_TRUE(row_of(delay, "uring", 20).warnings.empty());
}

// A file from before group/entry/workload/strategy/workers and context.groups:
// the group is the entry part of run_name, the workers its workers:N.
TEST(ResultsReader, FallsBackToTheNameInOlderFiles) {
  const json doc = json::parse(R"({
    "context": {"num_cpus": 4},
    "benchmarks": [
      {"name": "sha256#2/threads/workers:2/iterations:1/repeats:1/process_time/real_time",
       "run_name": "sha256#2/threads/workers:2/iterations:1/repeats:1/process_time/real_time", "run_type": "iteration",
       "repetitions": 1, "repetition_index": 0, "real_time": 2.5, "time_unit": "ms"},
      {"name": "sha256#2/threads/workers:4", "run_name": "sha256#2/threads/workers:4", "run_type": "iteration",
       "repetitions": 1, "repetition_index": 0, "real_time": 1500, "time_unit": "us"}
    ]})");
  const ResultsData data = read_results(doc, "old.json");
  ASSERT_EQ(data.cases.size(), 2u);
  EXPECT_EQ(data.cases[0].name, "sha256#2/threads/workers:2");  // as timelines[] names it
  EXPECT_EQ(data.cases[0].group, "sha256#2");
  EXPECT_EQ(data.cases[0].workload, "sha256");
  EXPECT_EQ(data.cases[0].strategy, "threads");
  EXPECT_EQ(data.cases[1].workers, 4u);
  EXPECT_DOUBLE_EQ(data.cases[0].times[0], 0.0025);
  EXPECT_DOUBLE_EQ(data.cases[1].times[0], 0.0015);
  EXPECT_EQ(data.cores, 4u);
  const ScalingReport report = scaling_report(data, "sequential", NoiseLimits{});
  EXPECT_NEAR(*report.groups[0].rows[1].speedup, 2.5 / 1.5, 1e-9);
  EXPECT_NEAR(*report.groups[0].rows[1].ideal, 0.0025 / 2, 1e-12);  // own 2 workers' time, scaled to min(4, 4)
}

TEST(ResultsReader, OlderFilesKeepSweptParametersInTheGroup) {
  const json doc = json::parse(R"({"benchmarks": [
      {"run_name": "rc4/threads/workers:2/size:1024", "run_type": "iteration", "real_time": 1, "time_unit": "s"},
      {"run_name": "rc4/threads/workers:2/size:2048", "run_type": "iteration", "real_time": 2, "time_unit": "s"}]})");
  const ResultsData data = read_results(doc, "swept.json");
  ASSERT_EQ(data.cases.size(), 2u);
  EXPECT_EQ(data.cases[0].group, "rc4/size:1024");
  EXPECT_EQ(data.cases[1].group, "rc4/size:2048");
  EXPECT_EQ(data.cases[1].workload, "rc4");
}

TEST(ResultsReader, NamesTheFileAndFieldOfWhatIsWrong) {
  const auto message = [](const std::string& text) {
    try {
      read_results(json::parse(text), "bad.json");
    } catch (const ResultsReadError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("[]"), "bad.json: expected a results file: an object with a benchmarks array");
  EXPECT_EQ(message(R"({"benchmarks": [{"run_name": "rc4/threads/workers:2", "time_unit": "ms"}]})"),
            "bad.json: benchmarks[0].real_time: expected a number");
  EXPECT_EQ(message(R"({"benchmarks": [{"run_name": "rc4", "real_time": 1}]})"),
            "bad.json: benchmarks[0] 'rc4': expected fields strategy and workers, or a name "
            "<entry>/<strategy>/workers:<N>");
  EXPECT_EQ(message(R"({"benchmarks": [{"run_name": "a/b/workers:1", "real_time": 1, "time_unit": "h"}]})"),
            "bad.json: benchmarks[0].time_unit 'h': expected ns, us, ms or s");
}

}  // namespace
}  // namespace concur
