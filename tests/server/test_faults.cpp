// Fault configuration and draws, request routing, and the /stats document, without sockets.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "server/faults.hpp"
#include "server/request_route.hpp"
#include "server/server_stats.hpp"

namespace concur_server_test {
namespace {

using concur::FaultConfig;
using concur::FaultDraw;
using concur::FaultKind;
using concur::Profile;
using namespace std::chrono_literals;

TEST(Profiles, AsTheOriginalServers) {
  const FaultConfig local = concur::profile_faults(Profile::local);
  for (const FaultKind k : concur::injected_faults) EXPECT_EQ(local[k], 0.0) << concur::fault_name(k);

  const FaultConfig delay = concur::profile_faults(Profile::delay);
  EXPECT_EQ(delay[FaultKind::delay], 1.0);
  EXPECT_EQ(delay.delay, 1s);
  EXPECT_EQ(delay[FaultKind::error], 0.0);

  const FaultConfig error = concur::profile_faults(Profile::error);
  EXPECT_EQ(error[FaultKind::error], 0.25);
  EXPECT_EQ(error[FaultKind::delay], 0.5);
  EXPECT_EQ(error.delay, 500ms);
  for (const FaultKind k : {FaultKind::blackout, FaultKind::reset, FaultKind::hang, FaultKind::slow,
                            FaultKind::truncate, FaultKind::malformed}) {
    EXPECT_EQ(error[k], 0.0) << concur::fault_name(k);
  }

  EXPECT_EQ(concur::profile_port(Profile::local), 8001);
  EXPECT_EQ(concur::profile_port(Profile::delay), 8002);
  EXPECT_EQ(concur::profile_port(Profile::error), 8003);
  EXPECT_EQ(concur::parse_profile("error"), Profile::error);
  EXPECT_EQ(concur::parse_profile("ERROR"), std::nullopt);
  EXPECT_EQ(concur::profile_name(Profile::delay), "delay");
}

std::string rejection(const FaultConfig& c) {
  try {
    c.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

TEST(FaultConfig, ProbabilitiesMustBeProbabilitiesAddingUpToOneAtMost) {
  FaultConfig c;
  c[FaultKind::error] = 0.5;
  c[FaultKind::delay] = 0.5;
  EXPECT_EQ(rejection(c), "");
  c[FaultKind::truncate] = 0.25;
  EXPECT_EQ(rejection(c), "fault probabilities add up to 1.250000, at most 1 expected");
  FaultConfig negative;
  negative[FaultKind::reset] = -0.1;
  EXPECT_EQ(rejection(negative), "fault reset: probability -0.100000, a number from 0 to 1 expected");
  FaultConfig nan;
  nan[FaultKind::hang] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(rejection(nan).find("fault hang: probability"), std::string::npos);
  FaultConfig tenths;  // 0.1 + 0.2 + 0.7 is a hair above 1 in binary
  tenths[FaultKind::error] = 0.1;
  tenths[FaultKind::slow] = 0.2;
  tenths[FaultKind::blackout] = 0.7;
  EXPECT_EQ(rejection(tenths), "");
}

std::map<FaultKind, int> tally(FaultDraw& draw, int n) {
  std::map<FaultKind, int> counts;
  for (int i = 0; i < n; ++i) ++counts[draw.next()];
  return counts;
}

TEST(FaultDraw, ReproducibleFromItsSeed) {
  const FaultConfig c = concur::profile_faults(Profile::error);
  FaultDraw a(c, 7), b(c, 7), other(c, 8);
  std::vector<FaultKind> sa, sb, so;
  for (int i = 0; i < 1000; ++i) {
    sa.push_back(a.next());
    sb.push_back(b.next());
    so.push_back(other.next());
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, so);
}

TEST(FaultDraw, ExclusiveDrawsMatchTheProbabilities) {
  FaultDraw draw(concur::profile_faults(Profile::error), 1);
  const int n = 100'000;
  std::map<FaultKind, int> counts = tally(draw, n);
  EXPECT_NEAR(counts[FaultKind::error], n * 0.25, n * 0.01);
  EXPECT_NEAR(counts[FaultKind::delay], n * 0.50, n * 0.01);
  EXPECT_NEAR(counts[FaultKind::none], n * 0.25, n * 0.01);
  EXPECT_EQ(counts.size(), 3u);
}

TEST(FaultDraw, CertainFaultsAlwaysAndImpossibleOnesNever) {
  for (const FaultKind k : concur::injected_faults) {
    FaultConfig c;
    c[k] = 1.0;
    FaultDraw draw(c, 3);
    const std::map<FaultKind, int> counts = tally(draw, 1000);
    EXPECT_EQ(counts.size(), 1u) << concur::fault_name(k);
    EXPECT_EQ(counts.begin()->first, k);
  }
  FaultDraw none(FaultConfig{}, 3);
  EXPECT_EQ(tally(none, 1000).at(FaultKind::none), 1000);
}

TEST(FaultDraw, ErrorStatusesAre500To503) {
  FaultDraw draw(FaultConfig{}, 11);
  std::map<unsigned, int> seen;
  for (int i = 0; i < 400; ++i) ++seen[draw.error_status()];
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen.begin()->first, 500u);
  EXPECT_EQ(seen.rbegin()->first, 503u);
}

TEST(FaultKinds, WhichOnesFailTheRequest) {
  EXPECT_FALSE(concur::fault_fails_request(FaultKind::none));
  EXPECT_FALSE(concur::fault_fails_request(FaultKind::delay));
  EXPECT_FALSE(concur::fault_fails_request(FaultKind::slow));
  for (const FaultKind k : {FaultKind::error, FaultKind::blackout, FaultKind::reset, FaultKind::hang,
                            FaultKind::truncate, FaultKind::malformed}) {
    EXPECT_TRUE(concur::fault_fails_request(k)) << concur::fault_name(k);
  }
}

concur::RouteKind kind_of(std::string_view target) {
  std::string scratch;
  return concur::route_request(target, scratch).kind;
}

TEST(RequestRoute, FlagsManifestAndStats) {
  std::string scratch;
  const concur::Route us = concur::route_request("/flags/us/us.gif", scratch);
  EXPECT_EQ(us.kind, concur::RouteKind::flag);
  EXPECT_EQ(us.code, "us");
  EXPECT_EQ(kind_of("/flags/zz/zz.gif"), concur::RouteKind::flag);  // unknown code: still a flag request
  EXPECT_EQ(kind_of("/flags/us/us.gif?x=1"), concur::RouteKind::flag);
  EXPECT_EQ(concur::route_request("/flags/%75s/us.gif", scratch).code, "us");
  EXPECT_EQ(kind_of("/flags/manifest.json"), concur::RouteKind::manifest);
  EXPECT_EQ(kind_of("/stats"), concur::RouteKind::stats);
}

TEST(RequestRoute, OtherPathsAreNotFound) {
  for (const char* t : {"/", "/flags", "/flags/", "/flags/US/US.gif", "/flags/us/uk.gif", "/flags/us/us.png",
                        "/flags/usa/usa.gif", "/flags/us.gif", "/etc/passwd", "/stats/", "/flags/us/us.gif/",
                        "/flags/u1/u1.gif"}) {
    EXPECT_EQ(kind_of(t), concur::RouteKind::not_found) << t;
  }
}

TEST(RequestRoute, TraversalAndAmbiguousTargetsAreRefused) {
  for (const char* t : {"", "*", "flags/us/us.gif", "http://127.0.0.1/flags/us/us.gif", "/flags/../flags/us/us.gif",
                        "/..", "/flags/..", "/flags/%2e%2e/%2e%2e/etc/passwd", "/flags/%2E%2E/us/us.gif",
                        "/flags/.%2e/x", "/flags/./us/us.gif", "/flags\\us\\us.gif", "/flags/%5cus/us.gif",
                        "//flags/us/us.gif", "/flags//us/us.gif", "/flags/us%2fus.gif", "/flags/%", "/flags/%2",
                        "/flags/%zz", "/flags/%00/x", "/flags/us/us.gif%0d%0a"}) {
    EXPECT_EQ(kind_of(t), concur::RouteKind::bad_target) << t;
  }
}

TEST(ServerStats, JsonRoundTripAndItsKeys) {
  concur::ServerStats s;
  s.connections = 3;
  s.requests = 10;
  s.ok = 5;
  s.not_found = 1;
  s.error = 4;
  s.other_ok = 2;
  s.other_not_found = 6;
  s.other_rejected = 7;
  std::uint64_t n = 20;
  for (const FaultKind k : concur::injected_faults) s.faults[static_cast<std::size_t>(k)] = n++;
  const std::string text = concur::stats_json(s);
  EXPECT_EQ(concur::parse_stats_json(text), s);

  const nlohmann::json doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc.at("connections"), 3);
  EXPECT_EQ(doc.at("other_requests").at("rejected"), 7);
  EXPECT_EQ(doc.at("faults").size(), 8u);
  EXPECT_EQ(doc.at("faults").at("malformed"), 27);
  EXPECT_FALSE(doc.at("faults").contains("none"));
}

TEST(ServerStats, ParseNamesWhatIsMissing) {
  const auto message = [](const std::string& text) -> std::string {
    try {
      concur::parse_stats_json(text);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return {};
  };
  EXPECT_EQ(message("[]"), "server stats: a JSON object expected");
  EXPECT_EQ(message("not json"), "server stats: a JSON object expected");
  EXPECT_EQ(message(R"({"connections": -1})"), "server stats: connections: a count (unsigned integer) expected");
  std::string doc = concur::stats_json({});
  doc.replace(doc.find("\"hang\""), 6, "\"hung\"");
  EXPECT_EQ(message(doc), "server stats: faults.hang: a count (unsigned integer) expected");
}

}  // namespace
}  // namespace concur_server_test
