// The flag server over real sockets without faults: files, manifest, 404s, refusals, keep-alive, counters.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "gif_reader.hpp"
#include "http_client.hpp"
#include "running_server.hpp"
#include "server/country_codes.hpp"

namespace concur_server_test {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

TEST(FlagServer, ServesEveryFlagAsItsManifestSays) {
  RunningServer server;
  HttpClient client;
  const Reply m = client.get(server.url("/flags/manifest.json"));
  ASSERT_EQ(m.result, CURLE_OK);
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "application/json");
  const nlohmann::json manifest = nlohmann::json::parse(m.body);
  for (const std::string& cc : concur::country_codes()) {
    const std::string code = lower(cc);
    const Reply r = client.get(server.flag_url(code));
    ASSERT_EQ(r.result, CURLE_OK) << code;
    ASSERT_EQ(r.status, 200) << code;
    EXPECT_EQ(r.content_type, "image/gif");
    const nlohmann::json& entry = manifest.at("files").at(code + "/" + code + ".gif");
    EXPECT_EQ(entry.at("size"), r.body.size()) << code;
    EXPECT_EQ(entry.at("sha256"), sha256_hex(r.body)) << code;
    const GifInfo gif = read_gif(r.body);
    EXPECT_TRUE(gif.ok) << code << ": " << gif.error;
  }
  const concur::ServerStats s = server.stats();
  EXPECT_EQ(s.requests, 194u);
  EXPECT_EQ(s.ok, 194u);
  EXPECT_EQ(s.not_found + s.error, 0u);
  EXPECT_EQ(s.other_ok, 1u);  // the manifest
  EXPECT_EQ(s.connections, 1u);
}

TEST(FlagServer, KeepAliveServesManyRequestsOnOneConnection) {
  RunningServer server;
  HttpClient client;
  for (int i = 0; i < 50; ++i) {
    const Reply r = client.get(server.flag_url(i % 2 ? "br" : "zz"));
    ASSERT_EQ(r.result, CURLE_OK);
    EXPECT_EQ(r.status, i % 2 ? 200 : 404);
  }
  // /stats on the same connection: it counts itself and no new connection.
  const Reply r = client.get(server.url("/stats"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const concur::ServerStats s = concur::parse_stats_json(r.body);
  EXPECT_EQ(s.connections, 1u);
  EXPECT_EQ(s.requests, 50u);
  EXPECT_EQ(s.ok, 25u);
  EXPECT_EQ(s.not_found, 25u);
  EXPECT_EQ(s.other_ok, 1u);
  EXPECT_EQ(s, server.stats());
}

TEST(FlagServer, UnknownCodesAndOtherPathsAre404) {
  RunningServer server;
  HttpClient client;
  for (const char* code : {"zz", "xx", "aa"}) {
    const Reply r = client.get(server.flag_url(code));
    EXPECT_EQ(r.result, CURLE_OK);
    EXPECT_EQ(r.status, 404) << code;
  }
  for (const char* path : {"/", "/index.html", "/flags", "/flags/", "/flags/US/US.gif", "/flags/us/br.gif",
                           "/flags/us/us.png", "/flags/usa/usa.gif", "/stats/x"}) {
    const Reply r = client.get(server.url(path));
    EXPECT_EQ(r.result, CURLE_OK);
    EXPECT_EQ(r.status, 404) << path;
  }
  const concur::ServerStats s = server.stats();
  EXPECT_EQ(s.requests, 3u);  // flag-shaped: counted with the flags
  EXPECT_EQ(s.not_found, 3u);
  EXPECT_EQ(s.other_not_found, 9u);
  EXPECT_EQ(s.connections, 1u);  // 404s keep the connection
}

TEST(FlagServer, TraversalIsRefusedAndTheConnectionClosed) {
  RunningServer server;
  for (const char* target : {"/flags/../flags/us/us.gif", "/flags/%2e%2e/%2e%2e/etc/passwd", "/flags/%2E%2E/us/us.gif",
                             "/flags\\us\\us.gif", "//flags/us/us.gif", "/flags//us/us.gif", "/flags/./us/us.gif",
                             "/flags/us%2fus.gif", "/flags/%zz", "http://127.0.0.1/flags/us/us.gif"}) {
    const RawReply r = raw_exchange(server.port(), std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(starts_with(r.bytes, "HTTP/1.1 400 Bad Request\r\n")) << target << ": " << r.bytes;
    EXPECT_TRUE(r.closed) << target;
  }
  HttpClient client;  // and through curl, which would normally tidy ".." away
  GetOptions as_is;
  as_is.path_as_is = true;
  EXPECT_EQ(client.get(server.url("/flags/../flags/us/us.gif"), as_is).status, 400);
  EXPECT_EQ(server.stats().other_rejected, 11u);
  EXPECT_EQ(server.stats().requests, 0u);
}

TEST(FlagServer, OnlyGetIsServed) {
  RunningServer server;
  // 405 keeps the connection: the GET pipelined behind it is answered.
  const RawReply r = raw_exchange(server.port(),
                                  "DELETE /flags/us/us.gif HTTP/1.1\r\nHost: x\r\n\r\n"
                                  "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(starts_with(r.bytes, "HTTP/1.1 405 Method Not Allowed\r\n")) << r.bytes;
  EXPECT_NE(r.bytes.find("Allow: GET\r\n"), std::string::npos);
  EXPECT_NE(r.bytes.find("HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_TRUE(r.closed);
  for (const char* method : {"HEAD", "PUT", "BREW"}) {
    const RawReply m =
        raw_exchange(server.port(), std::string(method) + " /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(starts_with(m.bytes, "HTTP/1.1 405")) << method << ": " << m.bytes;
  }
  const concur::ServerStats s = server.stats();
  EXPECT_EQ(s.other_rejected, 4u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_EQ(s.ok, 1u);
}

TEST(FlagServer, BodiesAreRefused) {
  RunningServer server;
  for (const char* request : {"POST /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
                              "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
                              // Refused at the header, without waiting for a body that may never come.
                              "PUT /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
                              "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"}) {
    const RawReply r = raw_exchange(server.port(), request);
    EXPECT_TRUE(starts_with(r.bytes, "HTTP/1.1 413 Content Too Large\r\n")) << request << ": " << r.bytes;
    EXPECT_TRUE(r.closed);
  }
  // Beast refuses a body over 1 MB before the parser sees the header: still a 413.
  {
    const RawReply r = raw_exchange(server.port(), "POST /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n");
    EXPECT_TRUE(starts_with(r.bytes, "HTTP/1.1 413 Content Too Large\r\n")) << r.bytes;
    EXPECT_TRUE(r.closed);
  }
  // An empty body is no body.
  const RawReply ok = raw_exchange(server.port(), "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(starts_with(ok.bytes, "HTTP/1.1 200 OK\r\n"));
}

TEST(FlagServer, HeaderBlocksOver8KiBAre431AndClose) {
  RunningServer server;
  const std::string big(9000, 'a');
  const RawReply r = raw_exchange(server.port(), "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
  EXPECT_TRUE(starts_with(r.bytes, "HTTP/1.1 431 Request Header Fields Too Large\r\n")) << r.bytes.substr(0, 200);
  EXPECT_TRUE(r.closed);
  // A long target counts too.
  const RawReply t = raw_exchange(server.port(), "GET /flags/" + big + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(starts_with(t.bytes, "HTTP/1.1 431")) << t.bytes.substr(0, 200);
  // A large header block under the limit is fine.
  const std::string fits(7000, 'b');
  const RawReply ok = raw_exchange(server.port(), "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nX-Big: " + fits +
                                                      "\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(starts_with(ok.bytes, "HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(server.stats().other_rejected, 2u);
}

TEST(FlagServer, GarbageIs400) {
  RunningServer server;
  for (const char* request : {"GARBAGE\r\n\r\n", "GET /flags/us/us.gif HTTP/9.9\r\n\r\n",
                              "GET /flags/us/us.gif HTTP/1.1\nHost: x\n\n", "GET  HTTP/1.1\r\n\r\n"}) {
    const RawReply r = raw_exchange(server.port(), request);
    EXPECT_TRUE(starts_with(r.bytes, "HTTP/1.1 400")) << request << ": " << r.bytes;
    EXPECT_TRUE(r.closed);
  }
}

TEST(FlagServer, PipelinedRequestsAreAnsweredInOrder) {
  RunningServer server;
  const RawReply r = raw_exchange(server.port(),
                                  "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\n\r\n"
                                  "GET /flags/zz/zz.gif HTTP/1.1\r\nHost: x\r\n\r\n"
                                  "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::size_t first = r.bytes.find("HTTP/1.1 200 OK");
  const std::size_t second = r.bytes.find("HTTP/1.1 404 Not Found");
  const std::size_t third = r.bytes.find("HTTP/1.1 200 OK", first + 1);
  EXPECT_EQ(first, 0u);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_NE(third, std::string::npos);
  EXPECT_TRUE(r.closed);
}

TEST(FlagServer, Http10ClosesUnlessAskedToKeepAlive) {
  RunningServer server;
  const RawReply closed = raw_exchange(server.port(), "GET /flags/us/us.gif HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(starts_with(closed.bytes, "HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(closed.bytes.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(closed.closed);
  const RawReply kept = raw_exchange(server.port(),
                                     "GET /flags/us/us.gif HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                                     std::chrono::milliseconds(300));
  EXPECT_NE(kept.bytes.find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_FALSE(kept.closed);
}

TEST(FlagServer, ResponseHeadersAreExact) {
  RunningServer server;
  const concur::FlagFile* us = server.flags().find("us");
  ASSERT_NE(us, nullptr);
  const RawReply r = raw_exchange(server.port(), "GET /flags/us/us.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string head = "HTTP/1.1 200 OK\r\nServer: concur\r\nContent-Type: image/gif\r\nContent-Length: " +
                           std::to_string(us->bytes.size()) + "\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(r.bytes, head + std::string(us->bytes.begin(), us->bytes.end()));
}

TEST(FlagServer, UrlAndPort) {
  RunningServer server;
  EXPECT_NE(server.port(), 0);
  EXPECT_EQ(server.server().url(), "http://127.0.0.1:" + std::to_string(server.port()) + "/flags");
  concur::FlagServerOptions any;
  any.address = "0.0.0.0";
  concur::FlagServer everywhere(any, flags_42());
  EXPECT_EQ(everywhere.url(), "http://127.0.0.1:" + std::to_string(everywhere.port()) + "/flags");
}

TEST(FlagServer, StopBeforeRunReturnsAtOnce) {
  concur::FlagServer server({}, flags_42());
  server.stop();
  server.run();
  SUCCEED();
}

TEST(FlagServer, APortInUseIsNamed) {
  RunningServer first;
  concur::FlagServerOptions same;
  same.port = first.port();
  try {
    concur::FlagServer second(same, flags_42());
    FAIL() << "bound a port already listened on";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": Address already in use");
  }
}

TEST(FlagServer, BadAddressesAndFaultsAreRefused) {
  concur::FlagServerOptions bad;
  bad.address = "localhost";
  try {
    concur::FlagServer server(bad, flags_42());
    FAIL() << "accepted a host name";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "flag server: bind address \"localhost\": an IPv4 or IPv6 address expected");
  }
  concur::FlagServerOptions too_many;
  too_many.faults[concur::FaultKind::error] = 0.8;
  too_many.faults[concur::FaultKind::hang] = 0.8;
  EXPECT_THROW(concur::FlagServer(too_many, flags_42()), std::invalid_argument);
}

}  // namespace
}  // namespace concur_server_test
