// Remote tickets: a batch rebuilt by open_remote, as an mpi rank does: its inputs mapped on concur's host or made again elsewhere, its records sealed with concur's key on concur's clock.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "concur/remote.hpp"
#include "host/host_services.hpp"
#include "host/remote_ticket.hpp"
#include "host/sealed_record.hpp"
#include "suite/suite.hpp"

namespace concur {
namespace {

BuiltEntry rc4_entry() {
  WorkloadEntry e;
  e.workload = "rc4";
  for (const ParamSpec& spec : find_workload_type("rc4")->params) e.params.set(spec.name, spec.default_value);
  e.params.set("jobs", std::int64_t{3});
  e.params.set("size", std::int64_t{64 * 1024});
  return build_entry(e, 11);
}

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Runs task `index` of the batch the ticket names; the record, unsealed.
RemoteRecord run_remote(const BuiltEntry& built, const std::string& ticket, std::int64_t offset, std::size_t index) {
  std::string error;
  const std::unique_ptr<TaskSource> source = open_remote(ticket, offset, error);
  EXPECT_TRUE(source) << error;
  if (!source) return {};
  const std::unique_ptr<Io> io = source->blocking_io();
  std::string sealed;
  Task task = source->task(index, *io, 0, sealed);
  task.start();
  EXPECT_TRUE(task.done());
  std::string why;
  const std::optional<RemoteRecord> record = unseal(sealed, built.id, why);
  EXPECT_TRUE(record) << why;
  return record.value_or(RemoteRecord{});
}

TEST(RemoteTicket, OnConcursHostTheBatchIsRebuiltAndItsRecordsUnseal) {
  const BuiltEntry built = rc4_entry();
  const RemoteRecord r = run_remote(built, remote_ticket(built.description), 0, 1);
  EXPECT_EQ(r.index, 1u);
  EXPECT_EQ(built.workload->verify(1, r.outcome), "") << r.outcome.message;
}

// Another host (another boot id) cannot map concur's inputs: they are made
// again from the seed, the same bytes, so the outcome verifies the same.
TEST(RemoteTicket, OnAnotherHostTheInputsAreMadeAgain) {
  const BuiltEntry built = rc4_entry();
  nlohmann::json ticket = nlohmann::json::parse(remote_ticket(built.description));
  ticket["boot_id"] = "another-host";
  const RemoteRecord r = run_remote(built, ticket.dump(), 0, 2);
  EXPECT_EQ(built.workload->verify(2, r.outcome), "") << r.outcome.message;
}

// A record's times are this host's steady clock plus the offset given.
TEST(RemoteTicket, RecordsCarryTheClockOffset) {
  const BuiltEntry built = rc4_entry();
  constexpr std::int64_t offset = 1'000'000'000'000;  // 1000 s
  const std::int64_t before = steady_ns();
  const RemoteRecord r = run_remote(built, remote_ticket(built.description), offset, 0);
  const std::int64_t after = steady_ns();
  EXPECT_GE(r.start_ns, before + offset);
  EXPECT_LE(r.end_ns, after + offset);
}

TEST(RemoteTicket, AMalformedTicketSaysSo) {
  std::string error;
  EXPECT_FALSE(open_remote("{\"ticket\": 1}", 0, error));
  EXPECT_EQ(error.rfind("cannot rebuild the batch from its ticket: ", 0), 0u) << error;
  EXPECT_FALSE(open_remote("{\"ticket\": 99}", 0, error));
  EXPECT_NE(error.find("another concur build"), std::string::npos) << error;
}

}  // namespace
}  // namespace concur
