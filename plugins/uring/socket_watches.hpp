// SocketWatches: the sockets libcurl asks to have watched, each a one-shot IORING_OP_POLL_ADD re-armed per event.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "event_loop.hpp"

namespace concur_uring {

// libcurl's multi_socket interface says, through CURLMOPT_SOCKETFUNCTION,
// which sockets it wants watched and for what; this keeps one poll in the
// kernel per socket it wants watched.
//
// Nothing here runs inside a libcurl callback but note() and note_closed(),
// which only record: libcurl must not be called back into from its own
// callbacks, and an SQE cannot be had without possibly submitting (which may
// throw). apply(), called once the libcurl call has returned, acts on the
// notes in the order they came, which matters: curl may close a socket (its
// resolver's socketpair, closed without the close callback) and open another
// that gets the same number within one call.
//
// Polls are one-shot (pitfall 3: multishot polls end silently and can wake
// spuriously) and re-armed after each event while curl still wants the
// socket. A socket curl says anything new about gets a fresh poll, so a poll
// never outlives the file it was armed on under a reused number. Polls curl
// no longer wants are cancelled through the EventLoop, whose generation tags
// drop their late completions (pitfall 2: closing an fd does not end a poll
// on it). Sockets curl closes come through CURLOPT_CLOSESOCKETFUNCTION and
// are closed here only after their poll was cancelled, so their number
// cannot be reused under a poll still armed.
//
// Loop thread only.
class SocketWatches final : private CompletionHandler {
 public:
  // A poll found `socket` ready: hand `select_bits` (CURL_CSELECT_*) to
  // curl_multi_socket_action. Called from the loop's dispatch, outside libcurl.
  using Ready = void (*)(void* owner, curl_socket_t socket, int select_bits);

  SocketWatches(EventLoop& loop, Ready ready, void* owner);
  // Closes the sockets curl handed over that apply() did not close yet. Polls
  // still armed are left to EventLoop::cancel_all() (the engine's shutdown).
  ~SocketWatches();
  SocketWatches(const SocketWatches&) = delete;
  SocketWatches& operator=(const SocketWatches&) = delete;

  // Inside CURLMOPT_SOCKETFUNCTION: `what` is CURL_POLL_IN, _OUT, _INOUT,
  // _NONE or _REMOVE. False when it could not be recorded (out of memory).
  bool note(curl_socket_t socket, int what) noexcept;
  // Inside CURLOPT_CLOSESOCKETFUNCTION: curl is done with `socket`, which is
  // now ours to close. False when it could not be recorded; it is then
  // closed at once.
  bool note_closed(curl_socket_t socket) noexcept;
  // A note was lost (out of memory) since the last apply(): the watches no
  // longer match what curl wants.
  bool lost_a_note() const noexcept { return lost_; }

  // After the libcurl call returned: arms, re-arms and cancels polls and
  // closes sockets as noted, in order. Throws when the ring does (the notes
  // not acted on are then left to cancel_all()).
  void apply();

  // Teardown: cancels every poll, forgets every socket and closes the ones
  // curl handed over. Never throws; a cancel the ring refuses is left to
  // EventLoop::cancel_all().
  void cancel_all() noexcept;

  // Sockets curl wants watched (some for nothing at the moment).
  std::size_t watched() const noexcept { return watches_.size(); }

 private:
  struct Watch {
    curl_socket_t socket = CURL_SOCKET_BAD;
    int wanted = 0;               // CURL_POLL_IN | CURL_POLL_OUT bits
    EventLoop::Ticket ticket = 0;  // the armed poll; 0 when none is
  };
  // What curl said, in order. `what` is a CURL_POLL_* value or `closed`.
  struct Note {
    curl_socket_t socket;
    int what;
  };
  static constexpr int closed = 0x100;  // not a CURL_POLL_* value

  void on_completion(void* context, int res, std::uint32_t flags) override;
  void act(const Note& note);
  void arm(Watch& watch);
  void forget(curl_socket_t socket);
  void close_noted() noexcept;

  EventLoop& loop_;
  Ready ready_;
  void* owner_;
  // Owned separately: a Watch is a poll's completion context, so it stays
  // put while the map rehashes.
  std::unordered_map<curl_socket_t, std::unique_ptr<Watch>> watches_;
  std::vector<Note> notes_;
  std::size_t applied_ = 0;  // notes_[0, applied_) acted on
  bool lost_ = false;
};

// The CURL_CSELECT_* bits for a socket curl wanted for `wanted` (CURL_POLL_*
// bits) whose poll came back with `revents`, read as libcurl reads poll()
// itself (Curl_socket_check), so that a transfer ends the same way, with the
// same error, as through curl_easy_perform.
int select_bits(int wanted, unsigned revents) noexcept;

}  // namespace concur_uring
