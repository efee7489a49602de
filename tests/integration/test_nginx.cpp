// concur downloads against nginx serving the exported flag tree: every strategy, every code accounted for, digests checked.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

// A free loopback port, as the kernel hands one out (and takes it back).
int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(s);
  return ntohs(a.sin_port);
}

bool accepts(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

// nginx in the foreground (daemon off), everything it writes inside `dir`,
// serving `root` on 127.0.0.1; stopped and reaped when this object goes.
class Nginx {
 public:
  Nginx(const fs::path& dir, const fs::path& root) : port_(free_port()) {
    fs::create_directories(dir / "temp");
    std::ofstream(dir / "nginx.conf")
        << "daemon off;\n"
        << (::geteuid() == 0 ? "user nobody nogroup;\n" : "")
        << "worker_processes 1;\n"
        << "pid " << (dir / "nginx.pid").string() << ";\n"
        << "error_log " << (dir / "error.log").string() << ";\n"
        << "events { worker_connections 1024; }\n"
        << "http {\n"
        << "  access_log off;\n"
        << "  keepalive_requests 100000;\n"
        << "  client_body_temp_path " << (dir / "temp").string() << ";\n"
        << "  proxy_temp_path " << (dir / "temp").string() << ";\n"
        << "  fastcgi_temp_path " << (dir / "temp").string() << ";\n"
        << "  uwsgi_temp_path " << (dir / "temp").string() << ";\n"
        << "  scgi_temp_path " << (dir / "temp").string() << ";\n"
        << "  server { listen 127.0.0.1:" << port_ << "; root " << root.string() << "; }\n"
        << "}\n";
    const std::string conf = (dir / "nginx.conf").string(), prefix = dir.string() + "/",
                      early_log = (dir / "error.log").string();
    std::vector<std::string> args{CONCUR_NGINX, "-p", prefix, "-e", early_log, "-c", conf};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, CONCUR_NGINX, nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    for (int i = 0; i < 500 && pid_ > 0 && !accepts(port_); ++i) std::this_thread::sleep_for(10ms);
  }
  ~Nginx() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);  // our own child: its pid cannot belong to anyone else yet
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  bool up() const { return pid_ > 0 && accepts(port_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/flags"; }

 private:
  int port_;
  pid_t pid_ = -1;
};

// The tree nginx's worker user (nobody, when run as root) can read.
void make_world_readable(const fs::path& root) {
  for (fs::path p = root; !p.empty() && p != p.root_path(); p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) ::chmod(p.c_str(), (st.st_mode & 07777) | 0755);
  }
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    ::chmod(entry.path().c_str(), entry.is_directory() ? 0755 : 0644);
  }
}

class NginxDownloads : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concur-nginx-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_EQ(run("flags export " + (dir_ / "www").string()), 0);
    make_world_readable(dir_ / "www");
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  int run(const std::string& args) {
    const std::string command = std::string("'") + CONCUR_BINARY + "' " + args + " >'" + (dir_ / "out.txt").string() +
                                "' 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string output() const {
    std::ifstream in(dir_ / "out.txt");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
};

// Every strategy downloads all 194 flags, then every code AA..ZZ, from nginx:
// each flag ok and matching the manifest nginx also serves, each other code 404.
TEST_F(NginxDownloads, EveryStrategyAccountsForEveryCode) {
  const Nginx nginx(dir_ / "nginx", dir_ / "www");
  ASSERT_TRUE(nginx.up()) << "nginx did not start; see " << (dir_ / "nginx" / "error.log");
  std::ofstream(dir_ / "suite.yaml") << "name: nginx\nrepetitions: 2\nstrategies: all\nworkers: [1, 8]\n"
                                     << "workloads:\n"
                                     << "  - {workload: downloads, server: \"" << nginx.url() << "\", codes: all}\n"
                                     << "  - {workload: downloads, server: \"" << nginx.url() << "\", codes: every}\n";
  ASSERT_EQ(run("run " + (dir_ / "suite.yaml").string() + " --out " + (dir_ / "out.json").string()), 0) << output();

  std::ifstream in(dir_ / "out.json");
  const json doc = json::parse(in);
  std::map<std::string, int> iterations;  // per strategy
  for (const json& b : doc.at("benchmarks")) {
    if (b.at("run_type") != "iteration") continue;
    const std::string name = b.at("name");
    SCOPED_TRACE(name);
    EXPECT_FALSE(b.contains("error_occurred")) << b.value("error_message", "");
    const bool every = name.rfind("downloads#2/", 0) == 0;
    EXPECT_EQ(b.at("ok"), 194);
    EXPECT_EQ(b.at("not_found"), every ? 482 : 0);
    EXPECT_EQ(b.at("error"), 0);
    ++iterations[name.substr(name.find('/') + 1, name.find("/workers") - name.find('/') - 1)];
  }
  EXPECT_EQ(iterations.size(), 6u) << "every strategy ran (uring or mpi unavailable here?)";
}

}  // namespace
