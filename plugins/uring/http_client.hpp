// HttpClient: Io::HttpGet as libcurl transfers on one multi handle, driven from the io_uring loop through curl's multi_socket interface.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "concur/curl_transfer.hpp"
#include "concur/io.hpp"
#include "curl_handles.hpp"
#include "curl_timer.hpp"
#include "event_loop.hpp"
#include "socket_watches.hpp"

namespace concur_uring {

// One per engine, from start() to stop(), so that connections are kept alive
// from batch to batch. Each request runs on an easy handle taken from a pool
// that grows to the most requests ever in flight at once (at most the
// engine's lanes) and is reused, set up and reported by concur::CurlTransfer
// exactly as the blocking Io does, so its errors read the same.
//
// curl says which sockets to watch and when to call it back; SocketWatches
// and CurlTimer turn that into io_uring requests, and their completions into
// curl_multi_socket_action calls. After each call, finished transfers are
// read (curl_multi_info_read), their easy handles returned to the pool and
// their coroutines scheduled, never resumed, on the loop.
//
// Between batches no transfer is in the multi handle and nothing of the
// client's is in the kernel: curl keeps idle keep-alive connections in its
// cache with no poll armed on them (it asks for one again when it reuses
// them) and wants no timer.
//
// Loop thread only.
class HttpClient {
 public:
  // `max_connections`: idle connections curl keeps for reuse
  // (CURLMOPT_MAXCONNECTS), the engine's lanes, so every request in flight
  // can find one in the next batch. Throws when the multi handle cannot be
  // made.
  HttpClient(EventLoop& loop, unsigned max_connections);
  // Removes any transfer left (abandon()), then cleans the multi handle up,
  // closing its connections, while the watches it calls back still exist
  // (pitfall 5).
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts `op`; its waiter is scheduled once op.response is filled in.
  // Throws when the transfer cannot be started (no easy handle, the ring).
  void begin(concur::Io::HttpGet& op);

  // Transfers begun whose waiter has not been scheduled.
  std::size_t outstanding() const noexcept { return active_; }
  // New connections opened since the client was made (keep-alive at work:
  // at most one per request in flight at once, across batches).
  std::uint64_t connections_opened() const noexcept { return connections_; }

  // After a batch, every transfer finished: cancels a timer request kept
  // armed while curl no longer wanted it. Throws when the ring does.
  void go_idle();
  // "" when idle as described above; otherwise what is left.
  std::string leftovers() const;

  // Teardown (a failed batch, stop()): removes every transfer from the multi
  // handle without scheduling its waiter (its task is about to be
  // destroyed; curl no longer writes into its op), cancels every poll and
  // the timer, and closes what curl closed meanwhile. The engine then
  // cancels and drains the rest; the multi handle is cleaned up last.
  void abandon() noexcept;

 private:
  // An easy handle and the transfer it runs; stays put (owned through a
  // unique_ptr), since the handle's CURLOPT_PRIVATE points at it.
  struct Lane {
    CurlEasy easy;
    std::optional<concur::CurlTransfer> transfer;  // while a request runs
    concur::Io::HttpGet* op = nullptr;             // likewise
  };

  // libcurl's callbacks: they only note what curl asked for.
  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* socket_data) noexcept;
  static int on_timer(CURLM* multi, long timeout_ms, void* self) noexcept;
  static int on_close(void* self, curl_socket_t socket) noexcept;
  // The loop's events, handed to curl.
  static void on_ready(void* self, curl_socket_t socket, int select_bits);
  static void on_expired(void* self);

  Lane& take_lane();
  void give_back(Lane& lane) noexcept;
  void socket_action(curl_socket_t socket, int select_bits);
  // Acts on what curl noted during the call that just returned.
  void after_curl();
  void finish_transfers();
  void finish(Lane& lane, CURLcode result);

  EventLoop& loop_;
  SocketWatches watches_;
  CurlTimer timer_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<Lane*> free_lanes_;  // capacity for every lane: giving one back never allocates
  std::size_t active_ = 0;
  std::uint64_t connections_ = 0;
  CurlMulti multi_;  // last: cleaned up first, while everything it may call back exists
};

}  // namespace concur_uring
