// HttpClient: the multi handle and its callbacks, easy handles pooled, transfers begun, finished and abandoned.
#include "http_client.hpp"

#include <stdexcept>
#include <string>

namespace concur_uring {
namespace {

[[noreturn]] void throw_multi_error(const char* call, CURLMcode code) {
  throw std::runtime_error(std::string(call) + ": " + curl_multi_strerror(code));
}

}  // namespace

HttpClient::HttpClient(EventLoop& loop, unsigned max_connections)
    : loop_(loop), watches_(loop, &HttpClient::on_ready, this), timer_(loop, &HttpClient::on_expired, this) {
  multi_.reset(curl_multi_init());
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  CURLM* multi = multi_.get();
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &HttpClient::on_socket);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &HttpClient::on_timer);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  // Without it curl keeps 4 per easy handle in the multi, which shrinks to
  // nothing as a batch drains: the next batch would connect all over again.
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(max_connections));
}

HttpClient::~HttpClient() {
  abandon();
  multi_.reset();          // closes the kept-alive connections: curl hands each socket to on_close
  watches_.cancel_all();   // closes them
}

int HttpClient::on_socket(CURL*, curl_socket_t socket, int what, void* self, void*) noexcept {
  return static_cast<HttpClient*>(self)->watches_.note(socket, what) ? 0 : -1;
}

int HttpClient::on_timer(CURLM*, long timeout_ms, void* self) noexcept {
  static_cast<HttpClient*>(self)->timer_.note(timeout_ms);
  return 0;
}

int HttpClient::on_close(void* self, curl_socket_t socket) noexcept {
  static_cast<HttpClient*>(self)->watches_.note_closed(socket);
  return 0;
}

void HttpClient::on_ready(void* self, curl_socket_t socket, int select_bits) {
  static_cast<HttpClient*>(self)->socket_action(socket, select_bits);
}

void HttpClient::on_expired(void* self) { static_cast<HttpClient*>(self)->socket_action(CURL_SOCKET_TIMEOUT, 0); }

HttpClient::Lane& HttpClient::take_lane() {
  if (!free_lanes_.empty()) {
    Lane* lane = free_lanes_.back();
    free_lanes_.pop_back();
    return *lane;
  }
  auto lane = std::make_unique<Lane>();
  lane->easy.reset(curl_easy_init());
  if (!lane->easy) throw std::runtime_error("curl_easy_init failed");
  CURL* easy = lane->easy.get();
  // Set once: CurlTransfer sets everything a request needs and nothing else.
  curl_easy_setopt(easy, CURLOPT_PRIVATE, static_cast<void*>(lane.get()));
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &HttpClient::on_close);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  free_lanes_.reserve(lanes_.size() + 1);
  lanes_.push_back(std::move(lane));
  return *lanes_.back();
}

void HttpClient::begin(concur::Io::HttpGet& op) {
  Lane& lane = take_lane();
  lane.transfer.emplace(lane.easy.get(), op);
  lane.op = &op;
  const CURLMcode added = curl_multi_add_handle(multi_.get(), lane.easy.get());
  if (added != CURLM_OK) {
    give_back(lane);
    throw_multi_error("curl_multi_add_handle", added);
  }
  ++active_;
  try {
    after_curl();  // curl asked to be called at once: the timer defers it to the next turn
  } catch (...) {
    // The op completes at once with the failure (and the batch fails): curl
    // must not hold on to it.
    curl_multi_remove_handle(multi_.get(), lane.easy.get());
    --active_;
    give_back(lane);
    throw;
  }
}

void HttpClient::give_back(Lane& lane) noexcept {
  lane.transfer.reset();  // the handle no longer points into the op
  lane.op = nullptr;
  free_lanes_.push_back(&lane);
}

void HttpClient::socket_action(curl_socket_t socket, int select_bits) {
  int running = 0;
  // Never CURLM_CALL_MULTI_PERFORM since libcurl 7.20: one call does it all.
  const CURLMcode result = curl_multi_socket_action(multi_.get(), socket, select_bits, &running);
  after_curl();
  if (result != CURLM_OK) throw_multi_error("curl_multi_socket_action", result);
  finish_transfers();
}

void HttpClient::after_curl() {
  if (watches_.lost_a_note()) throw std::runtime_error("out of memory while noting libcurl's sockets");
  watches_.apply();
  timer_.apply();
}

void HttpClient::finish_transfers() {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    char* lane = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &lane);
    finish(*static_cast<Lane*>(static_cast<void*>(lane)), message->data.result);  // `message` dies with the removal
  }
  after_curl();  // the sockets the finished transfers no longer use
}

void HttpClient::finish(Lane& lane, CURLcode result) {
  lane.transfer->finish(result);
  long connects = 0;
  if (curl_easy_getinfo(lane.easy.get(), CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0) {
    connections_ += static_cast<std::uint64_t>(connects);
  }
  const CURLMcode removed = curl_multi_remove_handle(multi_.get(), lane.easy.get());
  concur::Io::HttpGet& op = *lane.op;
  give_back(lane);
  --active_;
  if (removed != CURLM_OK) throw_multi_error("curl_multi_remove_handle", removed);
  loop_.schedule(op.waiter);
}

void HttpClient::go_idle() {
  if (active_ == 0) timer_.disarm();
}

std::string HttpClient::leftovers() const {
  std::string left;
  if (watches_.watched() > 0) left = "libcurl still watching " + std::to_string(watches_.watched()) + " socket(s)";
  if (timer_.wanted()) left += std::string(left.empty() ? "" : ", ") + "libcurl's timer set";
  return left;
}

void HttpClient::abandon() noexcept {
  for (const std::unique_ptr<Lane>& lane : lanes_) {
    if (lane->op == nullptr) continue;
    // A transfer cut short: curl closes its connection (noted, closed below).
    curl_multi_remove_handle(multi_.get(), lane->easy.get());
    give_back(*lane);
  }
  active_ = 0;
  watches_.cancel_all();
  timer_.forget();
}

}  // namespace concur_uring
