// Injected faults over real sockets: each kind as a client sees it and as /stats counts it, the error profile, delays as timers.
#include <gtest/gtest.h>

#include <map>

#include "http_client.hpp"
#include "running_server.hpp"

namespace concur_server_test {
namespace {

using concur::FaultKind;
using namespace std::chrono_literals;

concur::FlagServerOptions certain(FaultKind kind) {
  concur::FlagServerOptions o;
  o.faults[kind] = 1.0;
  o.faults.delay = 200ms;
  o.faults.slow = 300ms;
  return o;
}

std::string body_of(const RunningServer& s, const std::string& cc) {
  const concur::FlagFile* f = s.flags().find(cc);
  return {f->bytes.begin(), f->bytes.end()};
}

// Each fault applied to `requests` requests on fresh connections: what the
// client saw, and the counters that must match it.
void expect_counted(const RunningServer& server, FaultKind kind, std::uint64_t requests, std::uint64_t ok,
                    std::uint64_t not_found, std::uint64_t error) {
  const concur::ServerStats s = server.stats();
  EXPECT_EQ(s.requests, requests);
  EXPECT_EQ(s.ok, ok);
  EXPECT_EQ(s.not_found, not_found);
  EXPECT_EQ(s.error, error);
  EXPECT_EQ(s.fault(kind), requests);
  std::uint64_t all_faults = 0;
  for (const FaultKind k : concur::injected_faults) all_faults += s.fault(k);
  EXPECT_EQ(all_faults, requests) << "only " << concur::fault_name(kind) << " was drawn";
}

TEST(Faults, ErrorIsAWellFormed5xxThatKeepsTheConnection) {
  RunningServer server(certain(FaultKind::error));
  HttpClient client;
  std::map<long, int> statuses;
  for (int i = 0; i < 40; ++i) {
    const Reply r = client.get(server.flag_url("us"));
    ASSERT_EQ(r.result, CURLE_OK);
    EXPECT_GE(r.status, 500);
    EXPECT_LE(r.status, 503);
    EXPECT_EQ(r.tally(), Tally::error);
    EXPECT_NE(r.body.find("<html>"), std::string::npos);
    ++statuses[r.status];
  }
  EXPECT_EQ(statuses.size(), 4u) << "500, 501, 502 and 503 all drawn";
  expect_counted(server, FaultKind::error, 40, 0, 0, 40);
  EXPECT_EQ(server.stats().connections, 1u);
}

TEST(Faults, DelayStillDeliversTheFile) {
  RunningServer server(certain(FaultKind::delay));
  HttpClient client;
  const Reply r = client.get(server.flag_url("us"));
  EXPECT_EQ(r.result, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, body_of(server, "us"));
  EXPECT_GE(r.elapsed, 200ms);  // a timer never fires early
  const Reply missing = client.get(server.flag_url("zz"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.tally(), Tally::not_found);
  expect_counted(server, FaultKind::delay, 2, 1, 1, 0);
}

TEST(Faults, BlackoutClosesWithoutAReply) {
  RunningServer server(certain(FaultKind::blackout));
  HttpClient client;
  GetOptions fresh;  // a reused connection that dies would make curl retry on a new one
  fresh.fresh_connection = true;
  for (int i = 0; i < 3; ++i) {
    const Reply r = client.get(server.flag_url("us"), fresh);
    EXPECT_EQ(r.result, CURLE_GOT_NOTHING) << curl_easy_strerror(r.result);
    EXPECT_EQ(r.tally(), Tally::error);
  }
  expect_counted(server, FaultKind::blackout, 3, 0, 0, 3);
}

TEST(Faults, ResetSendsRst) {
  RunningServer server(certain(FaultKind::reset));
  HttpClient client;
  GetOptions fresh;
  fresh.fresh_connection = true;
  for (int i = 0; i < 3; ++i) {
    const Reply r = client.get(server.flag_url("us"), fresh);
    EXPECT_EQ(r.result, CURLE_RECV_ERROR) << curl_easy_strerror(r.result);
    EXPECT_EQ(r.tally(), Tally::error);
  }
  expect_counted(server, FaultKind::reset, 3, 0, 0, 3);
}

TEST(Faults, HangLeavesTheClientToGiveUp) {
  RunningServer server(certain(FaultKind::hang));
  HttpClient client;
  GetOptions patient_briefly;
  patient_briefly.timeout_ms = 300;
  patient_briefly.fresh_connection = true;
  const Reply r = client.get(server.flag_url("us"), patient_briefly);
  EXPECT_EQ(r.result, CURLE_OPERATION_TIMEDOUT) << curl_easy_strerror(r.result);
  EXPECT_EQ(r.tally(), Tally::error);
  expect_counted(server, FaultKind::hang, 1, 0, 0, 1);
}

TEST(Faults, HangIsBoundedByTheServer) {
  concur::FlagServerOptions o = certain(FaultKind::hang);
  o.faults.hang = 200ms;
  RunningServer server(o);
  HttpClient client;
  GetOptions fresh;
  fresh.fresh_connection = true;
  const Reply r = client.get(server.flag_url("us"), fresh);
  EXPECT_EQ(r.result, CURLE_GOT_NOTHING) << curl_easy_strerror(r.result);
  EXPECT_GE(r.elapsed, 200ms);
}

TEST(Faults, SlowTricklesTheWholeFile) {
  RunningServer server(certain(FaultKind::slow));
  HttpClient client;
  const Reply r = client.get(server.flag_url("us"));
  EXPECT_EQ(r.result, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, body_of(server, "us"));
  EXPECT_GE(r.elapsed, 300ms);
  // Slower than the client will wait: an error on the client's side only.
  GetOptions impatient;
  impatient.timeout_ms = 100;
  const Reply late = client.get(server.flag_url("us"), impatient);
  EXPECT_EQ(late.result, CURLE_OPERATION_TIMEDOUT);
  expect_counted(server, FaultKind::slow, 2, 2, 0, 0);
}

TEST(Faults, TruncateSendsLessThanContentLength) {
  RunningServer server(certain(FaultKind::truncate));
  HttpClient client;
  const Reply r = client.get(server.flag_url("us"));
  EXPECT_EQ(r.result, CURLE_PARTIAL_FILE) << curl_easy_strerror(r.result);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.tally(), Tally::error);
  EXPECT_EQ(r.body, body_of(server, "us").substr(0, body_of(server, "us").size() / 2));
  expect_counted(server, FaultKind::truncate, 1, 0, 0, 1);
}

TEST(Faults, MalformedIsABareLf5xxEndingAtClose) {
  RunningServer server(certain(FaultKind::malformed));
  const RawReply raw = raw_exchange(server.port(), "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(raw.closed);
  EXPECT_EQ(raw.bytes.find('\r'), std::string::npos) << "bare LF only";
  EXPECT_EQ(raw.bytes.find("Content-Length"), std::string::npos);
  EXPECT_TRUE(raw.bytes.rfind("HTTP/1.1 50", 0) == 0) << raw.bytes;
  HttpClient client;
  const Reply r = client.get(server.flag_url("us"));
  EXPECT_EQ(r.tally(), Tally::error) << curl_easy_strerror(r.result) << ' ' << r.status;
  if (r.result == CURLE_OK) {
    EXPECT_GE(r.status, 500);
    EXPECT_LE(r.status, 503);
  }
  expect_counted(server, FaultKind::malformed, 2, 0, 0, 2);
}

TEST(Faults, NeverOnTheManifestOrStats) {
  concur::FlagServerOptions o;
  o.faults[FaultKind::reset] = 0.5;
  o.faults[FaultKind::error] = 0.5;
  RunningServer server(o);
  HttpClient client;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(client.get(server.url("/flags/manifest.json")).status, 200);
    EXPECT_EQ(client.get(server.url("/stats")).status, 200);
    EXPECT_EQ(client.get(server.url("/index.html")).status, 404);
  }
  EXPECT_EQ(server.stats().requests, 0u);
  EXPECT_EQ(server.stats().connections, 1u);
}

// The original "error" server over 400 downloads: the client's tally and the
// server's counters agree exactly, and the shares are near 25/50/25.
TEST(Faults, ErrorProfileCountsMatchTheClientExactly) {
  concur::FlagServerOptions o;
  o.faults = concur::profile_faults(concur::Profile::error);
  o.faults.delay = 20ms;  // the shares are the point here, not the wait
  RunningServer server(o);
  std::vector<std::string> urls;
  const auto& files = server.flags().files();
  for (std::size_t i = 0; i < 400; ++i) {
    const std::string cc = files[i % files.size()].path.substr(0, 2);
    urls.push_back(i % 40 == 39 ? server.flag_url("zz") : server.flag_url(cc));  // a few unknown codes too
  }
  const std::vector<Reply> replies = get_all(urls, 20);
  std::map<Tally, std::uint64_t> tally;
  for (const Reply& r : replies) {
    ++tally[r.tally()];
    if (r.tally() == Tally::error) {
      EXPECT_EQ(r.result, CURLE_OK);
      EXPECT_GE(r.status, 500);
    }
  }
  const concur::ServerStats s = server.stats();
  EXPECT_EQ(s.requests, 400u);
  EXPECT_EQ(s.ok, tally[Tally::ok]);
  EXPECT_EQ(s.not_found, tally[Tally::not_found]);
  EXPECT_EQ(s.error, tally[Tally::error]);
  EXPECT_EQ(s.fault(FaultKind::error), tally[Tally::error]);
  EXPECT_NEAR(static_cast<double>(s.fault(FaultKind::error)), 100.0, 40.0);
  EXPECT_NEAR(static_cast<double>(s.fault(FaultKind::delay)), 200.0, 50.0);
  EXPECT_LE(s.connections, 20u);  // errors keep their connection
}

TEST(Faults, TheSameSeedGivesTheSameFaults) {
  concur::FlagServerOptions o;
  o.faults = concur::profile_faults(concur::Profile::error);
  o.faults.delay = 1ms;
  o.seed = 42;
  const auto statuses = [&o](std::uint64_t seed) {
    concur::FlagServerOptions with = o;
    with.seed = seed;
    RunningServer server(with);
    HttpClient client;
    std::vector<long> seen;
    for (int i = 0; i < 60; ++i) seen.push_back(client.get(server.flag_url("br")).status);
    return seen;
  };
  EXPECT_EQ(statuses(42), statuses(42));
  EXPECT_NE(statuses(42), statuses(41));
}

TEST(Faults, DelaysAreTimersNotThreads) {
  concur::FlagServerOptions o;
  o.faults = concur::profile_faults(concur::Profile::delay);  // every response 1 s late
  RunningServer server(o);
  const std::vector<std::string> urls(100, server.flag_url("us"));
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Reply> replies = get_all(urls, 100);
  const auto took = std::chrono::steady_clock::now() - start;
  for (const Reply& r : replies) EXPECT_EQ(r.tally(), Tally::ok) << curl_easy_strerror(r.result);
  EXPECT_LT(took, 5s) << "100 one-second delays on one thread ran one after another";
  EXPECT_GE(took, 1s);
  EXPECT_EQ(server.stats().fault(FaultKind::delay), 100u);
}

}  // namespace
}  // namespace concur_server_test
