// What mpirun says when a job ends early: the rank that ended it, from Open MPI 4.1's own texts, and the one-line summary.
#include <gtest/gtest.h>

#include <string>

#include "mpi/mpirun_report.hpp"

namespace concur_mpi {
namespace {

// Captured from Open MPI 4.1.4's mpirun on stderr: rank 1 killed with SIGKILL...
const std::string killed_report =
    "--------------------------------------------------------------------------\n"
    "Primary job  terminated normally, but 1 process returned\n"
    "a non-zero exit code. Per user-direction, the job has been aborted.\n"
    "--------------------------------------------------------------------------\n"
    "--------------------------------------------------------------------------\n"
    "mpirun noticed that process rank 1 with PID 0 on node vm exited on signal 9 (Killed).\n"
    "--------------------------------------------------------------------------\n";

// ... and rank 2 exiting with status 3.
const std::string exit_code_report =
    "--------------------------------------------------------------------------\n"
    "Primary job  terminated normally, but 1 process returned\n"
    "a non-zero exit code. Per user-direction, the job has been aborted.\n"
    "--------------------------------------------------------------------------\n"
    "--------------------------------------------------------------------------\n"
    "mpirun detected that one or more processes exited with non-zero status, thus causing\n"
    "the job to be terminated. The first process to do so was:\n"
    "\n"
    "  Process name: [[12408,1],2]\n"
    "  Exit code:    3\n"
    "--------------------------------------------------------------------------\n";

TEST(MpirunReport, ASignalNamesTheRankAndTheSignal) {
  const auto end = rank_that_ended_job(
      "mpirun noticed that process rank 1 with PID 0 on node vm exited on signal 11 (Segmentation fault).");
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->rank, 1);
  EXPECT_EQ(end->how, "exited on signal 11 (Segmentation fault)");

  const auto killed = rank_that_ended_job(killed_report);
  ASSERT_TRUE(killed.has_value());
  EXPECT_EQ(killed->rank, 1);
  EXPECT_EQ(killed->how, "exited on signal 9 (Killed)");
}

// The rank is the last number of the process name, not the job's.
TEST(MpirunReport, AnExitCodeNamesTheRankAndTheStatus) {
  const auto end = rank_that_ended_job("Process name: [[5234,1],2]\n  Exit code:    3");
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->rank, 2);
  EXPECT_EQ(end->how, "exited with status 3");

  const auto full = rank_that_ended_job(exit_code_report);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->rank, 2);
  EXPECT_EQ(full->how, "exited with status 3");
}

// Only a report naming a rank blames one: otherwise every task in flight is lost, none run again.
TEST(MpirunReport, UnrelatedTextNamesNoRank) {
  for (const char* text : {"",
                           "--------------------------------------------------------------------------\n"
                           "Primary job  terminated normally, but 1 process returned\n"
                           "a non-zero exit code. Per user-direction, the job has been aborted.\n",
                           "mpirun was unable to launch the specified application as it could not access\n"
                           "or execute an executable:\n\nExecutable: /nope\nNode: vm\n",
                           "concur-mpi-rank: rank 3: expected the batch's ticket from rank 0\n",
                           "process rank one with PID 0 on node vm exited on signal 9 (Killed)."}) {
    EXPECT_FALSE(rank_that_ended_job(text).has_value()) << text;
  }
}

TEST(MpirunReport, TheSummarySkipsDashRulesAndBlankLines) {
  EXPECT_EQ(mpirun_summary(killed_report),
            "Primary job  terminated normally, but 1 process returned a non-zero exit code. Per user-direction, the "
            "job has been aborted. mpirun noticed that process rank 1 with PID 0 on node vm exited on signal 9 "
            "(Killed).");
  // Indentation and trailing blanks go; spaces inside a line stay.
  EXPECT_EQ(mpirun_summary(exit_code_report).substr(mpirun_summary(exit_code_report).find("The first")),
            "The first process to do so was: Process name: [[12408,1],2] Exit code:    3");
  EXPECT_EQ(mpirun_summary("\n----\n  \t\n\r\n"), "");
  EXPECT_EQ(mpirun_summary("  --help is not a rule \r\n"), "--help is not a rule");
}

TEST(MpirunReport, TheSummaryIsCutAtItsLimit) {
  const std::string summary = mpirun_summary(killed_report, 40);
  EXPECT_EQ(summary.size(), 40u);
  EXPECT_EQ(summary, "Primary job  terminated normally, but...");
}

}  // namespace
}  // namespace concur_mpi
