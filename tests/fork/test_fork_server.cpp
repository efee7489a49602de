// The fork server on its own: it forks workers, kills and reaps them on request, and reports the CPU that costs it.
#include <gtest/gtest.h>

#include "claim_board.hpp"
#include "fork_server.hpp"
#include "host/host_services.hpp"
#include "kill_calls.hpp"
#include "suite/suite.hpp"

namespace concur_fork_test {
namespace {

// The server's CPU (forks, reaps) reaches the pool through every reply, and
// each take_cpu_seconds() counts it once.
TEST(ForkServer, ReportsTheCpuItSpends) {
  concur::WorkloadEntry entry;
  entry.workload = "loiter";
  entry.params.set("durations", std::vector<std::int64_t>{0});
  entry.params.set("unit", std::int64_t{0});
  entry.params.set("repeat", std::int64_t{1});
  const concur::BuiltEntry built = concur::build_entry(entry, 1);

  concur_fork::ForkServer server(concur::host_services());  // this process has one thread between tests
  server.take_cpu_seconds();  // its start-up
  concur_fork::ClaimBoard board(1);
  const int kills = kill_calls();
  for (int i = 0; i < 20; ++i) {
    const concur_fork::SpawnedWorker worker = server.spawn(built.description, 0, 1, board.fd());
    const concur_fork::ReapedWorker reaped = server.reap(worker.pid, /*kill=*/true);
    EXPECT_GE(reaped.cpu_seconds, 0);
  }
  EXPECT_EQ(kill_calls(), kills) << "the server kills; this process does not";
  EXPECT_GT(server.take_cpu_seconds(), 0);
  EXPECT_EQ(server.take_cpu_seconds(), 0);  // nothing since
}

}  // namespace
}  // namespace concur_fork_test
