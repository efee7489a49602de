// The uring engine's HTTP against a purpose-written server on 127.0.0.1: every failure reads as from the blocking Io, keep-alive, churn, teardown.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "concur/batch.hpp"
#include "concur/io.hpp"
#include "concur/task.hpp"
#include "host/plugin_loader.hpp"
#include "uring/batch_runner.hpp"
#include "uring/engine.hpp"
#include "uring/engine_config.hpp"
#include "util/blocking_io.hpp"

namespace concur_test {
namespace {

using namespace std::chrono_literals;
using concur_uring::BatchRunner;
using concur_uring::Engine;
using concur_uring::EngineConfig;

// libcurl's global state, set up before any test as the concur binary does
// before it starts threads (gtest_main does not).
class CurlGlobal final : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK); }
  void TearDown() override { curl_global_cleanup(); }
};
[[maybe_unused]] ::testing::Environment* const curl_global = ::testing::AddGlobalTestEnvironment(new CurlGlobal);

// --- the server -------------------------------------------------------------

void send_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away: nothing to tell it
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string response(std::string_view status, std::string_view body, std::string_view extra_headers = "") {
  return "HTTP/1.1 " + std::string(status) + "\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + std::string(extra_headers) + "\r\n" + std::string(body);
}

// An HTTP/1.1 server on 127.0.0.1:<any free port>, one thread polling every
// connection. What it does with a request depends on the path:
//   /ok, /ok/...      200 "ok <path>", kept alive
//   /close            200 with Connection: close, then closes
//   /reset            reads the request, then resets (SO_LINGER 0, close)
//   /silent           reads the request, then closes without replying
//   /hang             reads the request and never replies
//   /truncated        Content-Length: 100, sends 10 bytes, closes
//   /bare503          503 with bare-LF lines and no Content-Length, then closes
//   /big              200 with a 5000-byte body, kept alive
//   /redirect/N       302 to /redirect/N-1; /redirect/0 is 200 "landed"
//   /loop             302 to itself
//   anything else     404
// It counts the connections it accepted and those still open.
class FaultServer {
 public:
  FaultServer() {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listen_ < 0 || ::bind(listen_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_, 1024) != 0 || ::getsockname(listen_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(stop_, O_CLOEXEC) != 0) {
      throw std::runtime_error("the fault server cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FaultServer() {
    const char stop = 's';
    [[maybe_unused]] const ssize_t n = ::write(stop_[1], &stop, 1);
    thread_.join();
    ::close(stop_[0]);
    ::close(stop_[1]);
    ::close(listen_);
  }
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  int accepted() const { return accepted_.load(); }
  int open_connections() const { return open_.load(); }
  // Whether `n` connections were accepted within `limit` (the kernel may
  // hold them in the backlog a while on a loaded machine).
  bool accepted_within(int n, std::chrono::milliseconds limit) const {
    return within(limit, [this, n] { return accepted_.load() >= n; });
  }
  // Whether every connection got closed within `limit` (the clients closed theirs).
  bool all_closed_within(std::chrono::milliseconds limit) const {
    return within(limit, [this] { return open_.load() == 0; });
  }

 private:
  template <class Condition>
  static bool within(std::chrono::milliseconds limit, Condition condition) {
    for (const auto give_up = std::chrono::steady_clock::now() + limit; !condition();) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  enum class After { keep, close, reset, hold };
  struct Connection {
    int fd = -1;
    std::string in;
    bool held = false;  // /hang: read, never answered
  };

  void serve() {
    std::vector<Connection> connections;
    std::vector<pollfd> fds;
    for (;;) {
      fds.assign({{stop_[0], POLLIN, 0}, {listen_, POLLIN, 0}});
      for (const Connection& c : connections) fds.push_back({c.fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR
      if (fds[0].revents != 0) break;
      for (std::size_t i = 0; i + 2 < fds.size(); ++i) {
        if (fds[i + 2].revents != 0) serve(connections[i]);
      }
      std::erase_if(connections, [](const Connection& c) { return c.fd < 0; });
      if (fds[1].revents & POLLIN) {
        const int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
          connections.push_back({fd, {}, false});
          ++accepted_;
          ++open_;
        }
      }
    }
    for (Connection& c : connections) finish(c, After::close);
  }

  void serve(Connection& c) {
    char buffer[16384];
    const ssize_t n = ::read(c.fd, buffer, sizeof buffer);
    if (n <= 0) return finish(c, After::close);  // the client closed (or reset) it
    if (c.held) return;
    c.in.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t end = c.in.find("\r\n\r\n"); end != std::string::npos; end = c.in.find("\r\n\r\n")) {
      const std::string request = c.in.substr(0, end + 4);
      c.in.erase(0, end + 4);
      const std::size_t path_start = request.find(' ') + 1;
      const After after = answer(c.fd, request.substr(path_start, request.find(' ', path_start) - path_start));
      if (after == After::hold) {
        c.held = true;
        return;
      }
      if (after != After::keep) return finish(c, after);
    }
  }

  void finish(Connection& c, After after) {
    if (c.fd < 0) return;
    if (after == After::reset) {
      const linger abort{1, 0};  // close() sends RST, not FIN
      ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    }
    ::close(c.fd);
    c.fd = -1;
    --open_;
  }

  static After answer(int fd, const std::string& path) {
    if (path == "/ok" || path.rfind("/ok/", 0) == 0) {
      send_all(fd, response("200 OK", "ok " + path));
      return After::keep;
    }
    if (path == "/close") {
      send_all(fd, response("200 OK", "closing", "Connection: close\r\n"));
      return After::close;
    }
    if (path == "/reset") return After::reset;
    if (path == "/silent") return After::close;
    if (path == "/hang") return After::hold;
    if (path == "/truncated") {
      send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789");
      return After::close;
    }
    if (path == "/bare503") {
      send_all(fd, "HTTP/1.1 503 Service Unavailable\nContent-Type: text/plain\n\nunavailable\n");
      return After::close;
    }
    if (path == "/big") {
      send_all(fd, response("200 OK", std::string(5000, 'x')));
      return After::keep;
    }
    if (path.rfind("/redirect/", 0) == 0) {
      const int left = std::stoi(path.substr(10));
      if (left == 0) {
        send_all(fd, response("200 OK", "landed"));
      } else {
        send_all(fd, response("302 Found", "", "Location: /redirect/" + std::to_string(left - 1) + "\r\n"));
      }
      return After::keep;
    }
    if (path == "/loop") {
      send_all(fd, response("302 Found", "", "Location: /loop\r\n"));
      return After::keep;
    }
    send_all(fd, response("404 Not Found", "no such path"));
    return After::keep;
  }

  int listen_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<int> open_{0};
  std::thread thread_;  // last: started once the rest is set up
};

// A port on 127.0.0.1 that nothing listens on: bound, then closed.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// --- a batch of requests ----------------------------------------------------

struct Request {
  std::string url;  // empty: no request, only the sleep
  std::chrono::milliseconds timeout{0};
  std::uint64_t max_bytes = 0;
  std::chrono::milliseconds sleep_first{0};
};

// Task i sleeps (if asked), then fetches request i; every response is kept.
class FetchBatch final : public concur::Batch {
 public:
  static constexpr std::size_t no_gap = static_cast<std::size_t>(-1);

  explicit FetchBatch(std::vector<Request> requests)
      : requests_(std::move(requests)), responses_(requests_.size()), ends_(requests_.size(), 0) {}

  std::size_t size() const noexcept override { return requests_.size(); }
  concur::Task task(std::size_t index, concur::Io& io, unsigned) noexcept override {
    if (index == gap) return {};  // a broken batch
    return fetch(index, io);
  }
  std::unique_ptr<concur::Io> blocking_io() override { throw std::logic_error("the uring engine needs no blocking Io"); }
  std::string description() const override { return "{}"; }
  void record(std::string_view) noexcept override {}
  void fail(std::size_t, unsigned, std::int64_t, std::string_view) noexcept override {}

  std::size_t gap = no_gap;  // index for which task() returns no task
  int destroyed = 0;         // task frames destroyed before they finished

  const concur::HttpResponse& response(std::size_t index) const { return responses_.at(index); }
  int ends(std::size_t index) const { return ends_.at(index); }

 private:
  struct Unfinished {
    FetchBatch& batch;
    bool finished = false;
    ~Unfinished() {
      if (!finished) ++batch.destroyed;
    }
  };

  concur::Task fetch(std::size_t index, concur::Io& io) {
    Unfinished guard{*this};
    const Request& r = requests_[index];
    if (r.sleep_first > 0ms) co_await io.sleep_for(r.sleep_first);
    if (!r.url.empty()) responses_[index] = co_await io.http_get(r.url, r.timeout, r.max_bytes);
    guard.finished = true;
    ++ends_[index];
    co_return concur::Outcome{};
  }

  std::vector<Request> requests_;
  std::vector<concur::HttpResponse> responses_;
  std::vector<int> ends_;
};

EngineConfig config_for(unsigned workers) {
  EngineConfig config;
  config.lanes = workers;
  config.offload_threads = 1;
  return config;
}

std::map<std::string, double> run_on(Engine& engine, concur::Batch& batch, unsigned workers) {
  BatchRunner runner(engine, batch, workers);
  runner.run();
  return runner.counters();
}

concur::Task fetch_into(concur::Io& io, const Request& r, concur::HttpResponse& out) {
  out = co_await io.http_get(r.url, r.timeout, r.max_bytes);
  co_return concur::Outcome{};
}

// The same request through the harness's blocking Io (what the threads
// strategies use), on `io`, so its connection is reused like a worker's.
concur::HttpResponse fetch_blocking(concur::Io& io, const Request& r) {
  concur::HttpResponse out;
  concur::Task task = fetch_into(io, r, out);
  task.start();
  EXPECT_TRUE(task.done());
  return out;
}

// The error with its durations ("after 3 ms", "after 300 milliseconds")
// blanked: those vary from run to run, the rest must not.
std::string without_durations(const std::string& error) {
  std::string out;
  for (std::size_t i = 0; i < error.size();) {
    if (std::isdigit(static_cast<unsigned char>(error[i]))) {
      std::size_t end = i;
      while (end < error.size() && std::isdigit(static_cast<unsigned char>(error[end]))) ++end;
      const std::string_view rest = std::string_view(error).substr(end);
      if (rest.rfind(" ms", 0) == 0 || rest.rfind(" milliseconds", 0) == 0) {
        out += '#';
        i = end;
        continue;
      }
      out.append(error, i, end - i);
      i = end;
      continue;
    }
    out += error[i++];
  }
  return out;
}

// What the error is classified as: the text before " (", or all of it.
std::string error_class(const std::string& error) { return error.substr(0, error.find(" (")); }

// --- tests ------------------------------------------------------------------

struct Case {
  const char* name;
  Request request;
  long status;                   // expected
  const char* error_class_text;  // expected; "" for a whole response
  const char* body;              // expected when not null
};

// Every outcome class, all at once on the uring engine, then one by one on
// the blocking Io: the same status, the same body and the same error text
// (durations aside), and each the class the server's behaviour calls for.
TEST(UringHttpFaults, EveryOutcomeReadsAsFromTheBlockingIo) {
  FaultServer server;
  const std::string refused = "http://127.0.0.1:" + std::to_string(closed_port()) + "/ok";
  const std::vector<Case> cases = {
      {"ok", {server.url("/ok/a")}, 200, "", "ok /ok/a"},
      {"not found", {server.url("/nothing")}, 404, "", "no such path"},
      {"refused", {refused}, 0, "connection refused", nullptr},
      {"reset", {server.url("/reset")}, 0, "connection broken", nullptr},
      {"closed without reply", {server.url("/silent")}, 0, "closed without replying", nullptr},
      {"hang", {server.url("/hang"), 300ms}, 0, "timed out", nullptr},
      {"truncated", {server.url("/truncated")}, 0, "truncated", nullptr},
      {"bare-LF 503 until close", {server.url("/bare503")}, 503, "", "unavailable\n"},
      {"over max_bytes", {server.url("/big"), 0ms, 1000}, 0, "body over max_bytes", nullptr},
      {"at max_bytes", {server.url("/big"), 0ms, 5000}, 200, "", nullptr},
      {"redirects", {server.url("/redirect/3")}, 200, "", "landed"},
      {"too many redirects", {server.url("/loop")}, 0, "too many redirects", nullptr},
  };
  std::vector<Request> requests;
  for (const Case& c : cases) requests.push_back(c.request);
  FetchBatch batch(requests);
  Engine engine(config_for(static_cast<unsigned>(cases.size())));
  run_on(engine, batch, static_cast<unsigned>(cases.size()));

  const std::unique_ptr<concur::Io> blocking = concur::make_blocking_io();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const concur::HttpResponse& uring = batch.response(i);
    const concur::HttpResponse reference = fetch_blocking(*blocking, c.request);
    EXPECT_EQ(batch.ends(i), 1) << c.name;
    EXPECT_EQ(uring.status, c.status) << c.name << ": " << uring.error;
    EXPECT_EQ(error_class(uring.error), c.error_class_text) << c.name << ": " << uring.error;
    if (c.body != nullptr) {
      EXPECT_EQ(uring.body, c.body) << c.name;
    }
    EXPECT_EQ(uring.status, reference.status) << c.name;
    EXPECT_EQ(without_durations(uring.error), without_durations(reference.error)) << c.name;
    if (uring.error.empty()) {
      EXPECT_EQ(uring.body, reference.body) << c.name;
    }
    if (uring.status != 0) {
      EXPECT_GT(uring.first_byte.count(), 0) << c.name;
    }
  }
  EXPECT_EQ(engine.leftovers(), "");
}

// A kept-alive connection per lane serves batch after batch: the server
// accepts no more connections than there are workers, and after the first
// batch curl opens none.
TEST(UringHttpFaults, ConnectionsAreReusedAcrossRequestsAndBatches) {
  FaultServer server;
  constexpr unsigned workers = 10;
  Engine engine(config_for(workers));
  for (int repetition = 0; repetition < 3; ++repetition) {
    std::vector<Request> requests;
    for (int i = 0; i < 200; ++i) requests.push_back({server.url("/ok/" + std::to_string(i))});
    FetchBatch batch(requests);
    const std::map<std::string, double> counters = run_on(engine, batch, workers);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      ASSERT_EQ(batch.response(i).status, 200) << batch.response(i).error;
      EXPECT_EQ(batch.response(i).body, "ok /ok/" + std::to_string(i));
    }
    EXPECT_LE(counters.at("http_connections"), static_cast<double>(workers)) << "batch " << repetition;
    if (repetition > 0) {
      EXPECT_EQ(counters.at("http_connections"), 0.0) << "batch " << repetition;
    }
    EXPECT_EQ(engine.leftovers(), "");
    EXPECT_EQ(engine.loop().in_kernel(), 0u);
    EXPECT_LE(server.accepted(), static_cast<int>(workers));
  }
  EXPECT_EQ(server.open_connections(), server.accepted());  // idle between batches, kept open
  // Stopping the engine closes them.
  engine.shut_down();
  EXPECT_EQ(engine.loop().in_kernel(), 0u);
}

TEST(UringHttpFaults, DestroyingTheEngineClosesItsKeptAliveConnections) {
  FaultServer server;
  {
    Engine engine(config_for(4));
    std::vector<Request> requests(16, Request{server.url("/ok")});
    FetchBatch batch(requests);
    run_on(engine, batch, 4);
    EXPECT_GE(server.open_connections(), 1);
  }
  EXPECT_TRUE(server.all_closed_within(5s)) << server.open_connections() << " connection(s) still open";
}

// Short connections, resets, silent closes and timeouts, many at once, in
// several batches: connections come and go while polls are armed on them,
// are cancelled and complete late. Under AddressSanitizer a late completion
// touching a freed watch or request would be reported; here every outcome is
// the one its path calls for and the engine is idle after each batch.
TEST(UringHttpFaults, ConnectionChurnLeavesNoStaleCompletionBehind) {
  FaultServer server;
  constexpr unsigned workers = 50;
  Engine engine(config_for(workers));
  // curl retries a request whose reused connection dies before any reply,
  // on another connection from its cache when it has one: with many kept
  // alive, a silent close can use up its 5 tries and read "connection broken
  // (Connection died, tried 5 times before giving up)".
  struct Expected {
    std::string path;
    std::set<std::string> errors;  // classes
  };
  const std::vector<Expected> mix = {
      {"/close", {""}},
      {"/reset", {"connection broken"}},
      {"/ok", {""}},
      {"/silent", {"closed without replying", "connection broken"}},
      {"/hang", {"timed out"}},
      {"/truncated", {"truncated"}},
      {"/close", {""}},
      {"/redirect/2", {""}},
  };
  int expected_connections = 0;
  for (int repetition = 0; repetition < 3; ++repetition) {
    std::vector<Request> requests;
    for (std::size_t i = 0; i < 400; ++i) {
      Request r{server.url(mix[i % mix.size()].path), 200ms};
      if (i % 16 == 5) r.sleep_first = 1ms;  // a few sleeps mixed in: timeouts of both kinds in flight
      requests.push_back(r);
    }
    FetchBatch batch(requests);
    run_on(engine, batch, workers);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Expected& expected = mix[i % mix.size()];
      const concur::HttpResponse& r = batch.response(i);
      EXPECT_EQ(batch.ends(i), 1);
      EXPECT_EQ(expected.errors.count(error_class(r.error)), 1u) << expected.path << ": " << r.error;
      EXPECT_EQ(r.status, r.error.empty() ? 200 : 0) << expected.path << ": " << r.error;
    }
    EXPECT_EQ(engine.leftovers(), "");
    EXPECT_EQ(engine.loop().in_kernel(), 0u);
    EXPECT_EQ(engine.loop().live(), 0u);
    expected_connections += 400 / 8 * 6;  // every request but /ok and /redirect ends its connection
  }
  EXPECT_GE(server.accepted(), expected_connections);
}

// A failed batch (task 3 missing) while two tasks wait on requests the
// server never answers: the engine shuts down without waiting for them,
// their connections are closed, their tasks destroyed, nothing is left in
// the kernel; a new engine then fetches as before.
TEST(UringHttpFaults, FailedBatchTearsDownTransfersAndTheNextEngineWorks) {
  FaultServer server;
  {
    Engine engine(config_for(3));
    FetchBatch batch({{"", 0ms, 0, 300ms}, {server.url("/hang")}, {server.url("/hang")}, {server.url("/ok")}});
    batch.gap = 3;
    try {
      BatchRunner runner(engine, batch, 3);
      runner.run();
      FAIL() << "a batch without task 3 ran";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("no task for index 3"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(engine.is_shut_down());
    EXPECT_EQ(batch.destroyed, 2);  // tasks 1 and 2, waiting on /hang
    EXPECT_EQ(batch.ends(0), 1);
    EXPECT_EQ(engine.loop().in_kernel(), 0u);
    EXPECT_EQ(engine.http().outstanding(), 0u);
    EXPECT_TRUE(server.accepted_within(2, 5s));
    EXPECT_TRUE(server.all_closed_within(5s)) << "the abandoned transfers' connections stayed open";
    EXPECT_EQ(server.accepted(), 2);
  }
  Engine engine(config_for(3));
  std::vector<Request> requests(6, Request{server.url("/ok")});
  FetchBatch batch(requests);
  run_on(engine, batch, 3);
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(batch.response(i).status, 200) << batch.response(i).error;
  EXPECT_EQ(engine.leftovers(), "");
}

// The same through the loaded plugin, as the harness drives it: the failed
// run() is a report, the next run() refuses, and start() brings HTTP back.
TEST(UringHttpFaults, PluginStartsAgainAfterAFailedHttpBatch) {
  const concur::LoadedPlugin plugin = concur::load_plugin(std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "uring.so");
  if (!plugin.availability.available) GTEST_SKIP() << "io_uring unavailable: " << plugin.availability.reason;
  concur::Strategy& strategy = *plugin.strategy;
  FaultServer server;
  concur::RunOptions options;
  options.workers = 3;
  options.options["offload_threads"] = "1";

  FetchBatch broken({{"", 0ms, 0, 300ms}, {server.url("/hang")}, {server.url("/hang")}, {server.url("/ok")}});
  broken.gap = 3;
  ASSERT_TRUE(strategy.start(broken, options).ok);
  concur::RunReport report = strategy.run(broken, options);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("no task for index 3"), std::string::npos) << report.error;
  EXPECT_EQ(broken.destroyed, 2);
  EXPECT_TRUE(server.accepted_within(2, 5s));
  EXPECT_TRUE(server.all_closed_within(5s));

  std::vector<Request> requests(9, Request{server.url("/ok")});
  FetchBatch batch(requests);
  EXPECT_FALSE(strategy.run(batch, options).ok);
  strategy.stop();
  ASSERT_TRUE(strategy.start(batch, options).ok);
  report = strategy.run(batch, options);
  ASSERT_TRUE(report.ok) << report.error;
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(batch.response(i).status, 200) << batch.response(i).error;
  EXPECT_LE(report.counters.at("http_connections"), 3.0);
  strategy.stop();
  EXPECT_TRUE(server.all_closed_within(5s));
}

}  // namespace
}  // namespace concur_test
