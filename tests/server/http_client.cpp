// The tests' HTTP clients (see http_client.hpp).
#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <stdexcept>

namespace concur_server_test {
namespace {

using Clock = std::chrono::steady_clock;

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

void common_options(CURL* c, const std::string& url, std::string& body, const GetOptions& o) {
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, o.fresh_connection ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, o.fresh_connection ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, o.path_as_is ? 1L : 0L);
}

void finish(CURL* c, Reply& r) {
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  const char* type = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
  if (type) r.content_type = type;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

HttpClient::HttpClient() : curl_(curl_easy_init()) {
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

Reply HttpClient::get(const std::string& url, const GetOptions& options) {
  Reply r;
  curl_easy_reset(curl_.get());  // the connection cache survives a reset
  common_options(curl_.get(), url, r.body, options);
  const Clock::time_point start = Clock::now();
  r.result = curl_easy_perform(curl_.get());
  r.elapsed = Clock::now() - start;
  finish(curl_.get(), r);
  return r;
}

std::vector<Reply> get_all(const std::vector<std::string>& urls, long connections, long timeout_ms) {
  struct MultiCleanup {
    void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); }
  };
  struct EasyCleanup {
    void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
  };
  const std::unique_ptr<CURLM, MultiCleanup> multi{curl_multi_init()};
  if (!multi) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, connections);
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS, connections);

  std::vector<Reply> replies(urls.size());
  // Declared after `replies`, destroyed before them: handles write into them.
  std::vector<std::unique_ptr<CURL, EasyCleanup>> easy;
  const Clock::time_point start = Clock::now();
  GetOptions options;
  options.timeout_ms = timeout_ms;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    easy.emplace_back(curl_easy_init());
    if (!easy.back()) throw std::runtime_error("curl_easy_init failed");
    common_options(easy.back().get(), urls[i], replies[i].body, options);
    curl_easy_setopt(easy.back().get(), CURLOPT_PRIVATE, reinterpret_cast<void*>(i));
    curl_multi_add_handle(multi.get(), easy.back().get());
  }
  int running = 1;
  while (running > 0) {
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) throw std::runtime_error("curl_multi_perform failed");
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi.get(), &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      void* index = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &index);
      Reply& r = replies[reinterpret_cast<std::size_t>(index)];
      r.result = m->data.result;
      r.elapsed = Clock::now() - start;
      finish(m->easy_handle, r);
    }
    if (running > 0) curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
  }
  for (auto& e : easy) curl_multi_remove_handle(multi.get(), e.get());
  return replies;
}

RawReply raw_exchange(std::uint16_t port, std::string_view request, std::chrono::milliseconds idle) {
  const Fd s{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
  RawReply reply;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // the server may refuse before reading everything
    }
    sent += static_cast<std::size_t>(n);
  }
  std::array<char, 16384> buffer{};
  for (;;) {
    pollfd p{s.fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(idle.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const ssize_t n = ::recv(s.fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      reply.closed = true;
      break;
    }
    reply.bytes.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return reply;
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 15];
  }
  return text;
}

}  // namespace concur_server_test
