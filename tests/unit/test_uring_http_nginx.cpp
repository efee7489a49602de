// The uring engine's HTTP against nginx on 127.0.0.1 serving 194 small files: the normal path, many requests, keep-alive, mixed work, throughput.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
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

extern char** environ;

namespace concur_test {
namespace {

using namespace std::chrono_literals;
using concur_uring::BatchRunner;
using concur_uring::Engine;
using concur_uring::EngineConfig;

// libcurl's global state, set up before any test as the concur binary does
// before it starts threads (gtest_main does not). Counted: registering it in
// several files is harmless.
class CurlGlobal final : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK); }
  void TearDown() override { curl_global_cleanup(); }
};
[[maybe_unused]] ::testing::Environment* const curl_global = ::testing::AddGlobalTestEnvironment(new CurlGlobal);

constexpr const char* nginx_binary = "/usr/sbin/nginx";
constexpr std::size_t file_count = 194;  // as many as the flag server's countries

// --- the site ---------------------------------------------------------------

// File i: 1 to 20 KiB of bytes that depend on i and the offset.
std::string file_content(std::size_t i) {
  const std::size_t size = 1024 + (i * 7919) % (19 * 1024 + 1);
  std::string content(size, '\0');
  for (std::size_t k = 0; k < size; ++k) content[k] = static_cast<char>('a' + (i * 31 + k * 7) % 26);
  return content;
}

std::string file_path(std::size_t i) { return "/f" + std::to_string(i) + ".txt"; }

// A free port on 127.0.0.1 (bound, then closed: nginx binds it next).
int free_port() {
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

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// nginx as a child process (one worker, daemon off) serving the 194 files
// from a temporary folder that also holds its configuration, pid file, logs
// and temp paths; stopped and reaped, and the folder removed, on destruction.
class Nginx {
 public:
  Nginx() : dir_(std::filesystem::temp_directory_path() / ("concur-uring-nginx-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "www");
    for (std::size_t i = 0; i < file_count; ++i) std::ofstream(dir_ / "www" / file_path(i).substr(1)) << file_content(i);
    // nginx's workers drop privileges unless told otherwise: keep the tree readable to them.
    std::filesystem::permissions(dir_, std::filesystem::perms::all);
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) start(free_port());  // the port may be taken meanwhile
    if (pid_ <= 0) throw std::runtime_error("nginx did not start; see " + (dir_ / "error.log").string());
  }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);  // fast shutdown: workers exit, the master reaps them
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (std::getenv("CONCUR_URING_KEEP_NGINX_DIR") == nullptr) std::filesystem::remove_all(dir_);
  }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  void start(int port) {
    const std::string d = dir_.string();
    std::ofstream(dir_ / "nginx.conf") << (::geteuid() == 0 ? "user root;\n" : "") << "worker_processes 1;\n"
                                       << "pid " << d << "/nginx.pid;\n"
                                       << "error_log " << d << "/error.log warn;\n"
                                       << "events { worker_connections 1000; }\n"
                                       << "http {\n"
                                       << "  access_log off;\n"
                                       << "  client_body_temp_path " << d << "/body;\n"
                                       << "  proxy_temp_path " << d << "/proxy;\n"
                                       << "  fastcgi_temp_path " << d << "/fastcgi;\n"
                                       << "  uwsgi_temp_path " << d << "/uwsgi;\n"
                                       << "  scgi_temp_path " << d << "/scgi;\n"
                                       << "  default_type text/plain;\n"
                                       << "  keepalive_requests 1000000;\n"
                                       << "  keepalive_timeout 300s;\n"
                                       << "  server {\n"
                                       << "    listen 127.0.0.1:" << port << ";\n"
                                       << "    root " << d << "/www;\n"
                                       << "  }\n"
                                       << "}\n";
    const std::string conf = (dir_ / "nginx.conf").string();
    const std::string error_log = (dir_ / "error.log").string();
    std::vector<std::string> args = {"nginx", "-p", d, "-e", error_log, "-c", conf, "-g", "daemon off;"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (::posix_spawn(&pid, nginx_binary, nullptr, nullptr, argv.data(), environ) != 0) return;
    for (const auto give_up = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < give_up;) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) return;  // it exited: the port was taken, or worse
      // nginx writes its pid file once it has bound its port; a connection
      // alone could reach another process that got the same free port.
      if (pid_file_says(pid) && accepts_connections(port)) {
        pid_ = pid;
        port_ = port;
        return;
      }
      std::this_thread::sleep_for(10ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }

  bool pid_file_says(pid_t pid) const {
    pid_t written = 0;
    std::ifstream(dir_ / "nginx.pid") >> written;
    return written == pid;
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// --- tasks ------------------------------------------------------------------

// What a task saw, read after the batch.
struct Seen {
  concur::HttpResponse response;
  std::string steps;  // the operations in the order they completed
  std::uint64_t sum = 0;  // computed off the loop thread from the body
};

// A Batch whose every task is body(index, io, site), recording into site.
struct Site {
  std::string base;                   // http://127.0.0.1:<port>
  std::vector<std::string> contents;  // of every file
  std::vector<Seen> seen;             // per task index
};

class SiteBatch final : public concur::Batch {
 public:
  using Body = concur::Task (*)(std::size_t index, concur::Io& io, Site& site);
  SiteBatch(std::size_t size, Body body, Site& site) : size_(size), body_(body), site_(site) {
    site_.seen.assign(size, {});
  }
  std::size_t size() const noexcept override { return size_; }
  concur::Task task(std::size_t index, concur::Io& io, unsigned) noexcept override { return body_(index, io, site_); }
  std::unique_ptr<concur::Io> blocking_io() override { throw std::logic_error("the uring engine needs no blocking Io"); }
  std::string description() const override { return "{}"; }
  void record(std::string_view) noexcept override {}
  void fail(std::size_t, unsigned, std::int64_t, std::string_view) noexcept override {}

 private:
  std::size_t size_;
  Body body_;
  Site& site_;
};

concur::Task fetch_file(std::size_t index, concur::Io& io, Site& site) {
  site.seen[index].response = co_await io.http_get(site.base + file_path(index % file_count), 10s);
  co_return concur::Outcome{};
}

concur::Task fetch_missing(std::size_t index, concur::Io& io, Site& site) {
  site.seen[index].response = co_await io.http_get(site.base + "/missing.txt", 10s);
  co_return concur::Outcome{};
}

std::uint64_t byte_sum(const std::string& text) {
  std::uint64_t sum = 0;
  for (const char c : text) sum += static_cast<unsigned char>(c);
  return sum;
}

// Three shapes of task in one batch: sleep, fetch, compute on the body;
// compute, fetch, sleep; fetch alone.
concur::Task mixed(std::size_t index, concur::Io& io, Site& site) {
  Seen& seen = site.seen[index];
  const std::string url = site.base + file_path(index % file_count);
  switch (index % 3) {
    case 0:
      co_await io.sleep_for(2ms);
      seen.steps += "sleep ";
      seen.response = co_await io.http_get(url, 10s);
      seen.steps += "get ";
      co_await io.compute([&seen] { seen.sum = byte_sum(seen.response.body); });
      seen.steps += "compute";
      break;
    case 1:
      co_await io.compute([&seen, index] { seen.sum = index; });
      seen.steps += "compute ";
      seen.response = co_await io.http_get(url, 10s);
      seen.steps += "get ";
      co_await io.sleep_for(1ms);
      seen.steps += "sleep";
      break;
    default:
      seen.response = co_await io.http_get(url, 10s);
      seen.steps += "get";
      break;
  }
  co_return concur::Outcome{};
}

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

// `url` by value: the coroutine starts after the caller's temporaries are gone.
concur::Task fetch_into(concur::Io& io, std::string url, concur::HttpResponse& out) {
  out = co_await io.http_get(url, 10s);
  co_return concur::Outcome{};
}

// --- tests ------------------------------------------------------------------

class UringHttpNginx : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(nginx_binary)) return;
    nginx_ = std::make_unique<Nginx>();
    site_.base = nginx_->url("");
    for (std::size_t i = 0; i < file_count; ++i) site_.contents.push_back(file_content(i));
  }
  static void TearDownTestSuite() { nginx_.reset(); }
  void SetUp() override {
    if (!nginx_) GTEST_SKIP() << nginx_binary << " is not installed";
  }

  static const std::string& content(std::size_t index) { return site_.contents[index % file_count]; }

  static std::unique_ptr<Nginx> nginx_;
  static Site site_;
};
std::unique_ptr<Nginx> UringHttpNginx::nginx_;
Site UringHttpNginx::site_;

// Files and a missing one: status, body and error as the blocking Io fetches them.
TEST_F(UringHttpNginx, ResponsesMatchWhatTheBlockingIoFetches) {
  Engine engine(config_for(8));
  SiteBatch batch(40, fetch_file, site_);
  run_on(engine, batch, 8);
  const std::unique_ptr<concur::Io> blocking = concur::make_blocking_io();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const concur::HttpResponse& r = site_.seen[i].response;
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.body, content(i)) << "file " << i;
    EXPECT_GT(r.first_byte.count(), 0);
    concur::HttpResponse reference;
    concur::Task task = fetch_into(*blocking, nginx_->url(file_path(i)), reference);
    task.start();
    EXPECT_EQ(reference.status, r.status);
    EXPECT_EQ(reference.body, r.body);
  }
  SiteBatch missing(1, fetch_missing, site_);
  run_on(engine, missing, 1);
  concur::HttpResponse reference;
  concur::Task task = fetch_into(*blocking, nginx_->url("/missing.txt"), reference);
  task.start();
  const concur::HttpResponse& r = site_.seen[0].response;
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.status, reference.status);
  EXPECT_EQ(r.body, reference.body);
  EXPECT_EQ(engine.leftovers(), "");
}

// 1000 requests, 100 in flight, on one engine, twice: every body right, at
// most one connection per lane, and none new in the second batch.
TEST_F(UringHttpNginx, ThousandRequestsAtAHundredConcurrent) {
  constexpr unsigned workers = 100;
  Engine engine(config_for(workers));
  for (int repetition = 0; repetition < 2; ++repetition) {
    SiteBatch batch(1000, fetch_file, site_);
    const std::map<std::string, double> counters = run_on(engine, batch, workers);
    std::size_t right = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const concur::HttpResponse& r = site_.seen[i].response;
      if (r.status == 200 && r.error.empty() && r.body == content(i)) ++right;
    }
    EXPECT_EQ(right, batch.size()) << "batch " << repetition;
    EXPECT_EQ(counters.at("loop_peak_in_flight"), static_cast<double>(workers));
    EXPECT_GE(counters.at("http_connections"), repetition == 0 ? 1.0 : 0.0);
    EXPECT_LE(counters.at("http_connections"), repetition == 0 ? static_cast<double>(workers) : 0.0);
    EXPECT_EQ(engine.leftovers(), "");
    EXPECT_EQ(engine.loop().in_kernel(), 0u);
  }
}

// HTTP, sleeps and compute in one batch: each task's steps complete in its
// own order, compute sees the body fetched before it.
TEST_F(UringHttpNginx, HttpSleepsAndComputeInOneBatch) {
  Engine engine(config_for(24));
  SiteBatch batch(300, mixed, site_);
  run_on(engine, batch, 24);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Seen& seen = site_.seen[i];
    EXPECT_EQ(seen.response.status, 200) << seen.response.error;
    EXPECT_EQ(seen.response.body, content(i));
    switch (i % 3) {
      case 0:
        EXPECT_EQ(seen.steps, "sleep get compute");
        EXPECT_EQ(seen.sum, byte_sum(content(i)));
        break;
      case 1:
        EXPECT_EQ(seen.steps, "compute get sleep");
        EXPECT_EQ(seen.sum, i);
        break;
      default: EXPECT_EQ(seen.steps, "get"); break;
    }
  }
  EXPECT_EQ(engine.leftovers(), "");
}

// Through the loaded plugin: one start(), batches of fetches at another
// worker count each, one stop().
TEST_F(UringHttpNginx, ThroughThePluginBatchAfterBatch) {
  const concur::LoadedPlugin plugin = concur::load_plugin(std::filesystem::path(CONCUR_TEST_PLUGIN_DIR) / "uring.so");
  if (!plugin.availability.available) GTEST_SKIP() << "io_uring unavailable: " << plugin.availability.reason;
  concur::Strategy& strategy = *plugin.strategy;
  for (const unsigned workers : {1u, 7u, 32u}) {
    concur::RunOptions options;
    options.workers = workers;
    options.options["offload_threads"] = "1";
    SiteBatch first(200, fetch_file, site_);
    ASSERT_TRUE(strategy.start(first, options).ok);
    for (int repetition = 0; repetition < 2; ++repetition) {
      SiteBatch batch(200, fetch_file, site_);
      const concur::RunReport report = strategy.run(batch, options);
      ASSERT_TRUE(report.ok) << report.error;
      for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(site_.seen[i].response.body, content(i));
      EXPECT_LE(report.counters.at("http_connections"), repetition == 0 ? static_cast<double>(workers) : 0.0);
    }
    strategy.stop();
  }
}

// --- throughput (run by hand) ------------------------------------------------

// Requests per second at 10 and 100 in flight for about 2 s each, on one
// engine per concurrency, after a warm-up batch (connections made). Run as
//   concur_unit_tests --gtest_also_run_disabled_tests --gtest_filter='UringHttpNginx.DISABLED_Throughput'
// With CONCUR_URING_HOLD_NGINX_SECONDS=N nginx then keeps serving for N
// seconds (its port printed), so that another client can be measured
// against the same server; with CONCUR_URING_BENCH_BASE=http://127.0.0.1:PORT
// the requests go to that server instead (one the test holds: the same
// files), so that both clients can take turns on one server.
TEST_F(UringHttpNginx, DISABLED_Throughput) {
  if (const char* base = std::getenv("CONCUR_URING_BENCH_BASE")) site_.base = base;
  for (const unsigned workers : {10u, 100u}) {
    Engine engine(config_for(workers));
    SiteBatch warm_up(2000, fetch_file, site_);
    run_on(engine, warm_up, workers);
    std::size_t requests = 0;
    std::size_t wrong = 0;
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = std::chrono::steady_clock::duration::zero();
    while (elapsed < 2s) {
      SiteBatch batch(5000, fetch_file, site_);
      run_on(engine, batch, workers);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (site_.seen[i].response.status != 200 || site_.seen[i].response.body.size() != content(i).size()) ++wrong;
      }
      requests += batch.size();
      elapsed = std::chrono::steady_clock::now() - start;
    }
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::printf("uring: %u in flight: %zu requests in %.2f s = %.0f requests/s (%zu wrong)\n", workers, requests,
                seconds, static_cast<double>(requests) / seconds, wrong);
    EXPECT_EQ(wrong, 0u);
  }
  if (const char* hold = std::getenv("CONCUR_URING_HOLD_NGINX_SECONDS")) {
    std::printf("nginx serving %s on port %d (files /f0.txt ... /f193.txt) for %s s\n", nginx_->dir().c_str(),
                nginx_->port(), hold);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(std::atoi(hold)));
  }
}

}  // namespace
}  // namespace concur_test
