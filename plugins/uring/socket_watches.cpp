// SocketWatches: notes taken in libcurl's callbacks, then polls armed, re-armed and cancelled, and sockets closed, in order.
#include "socket_watches.hpp"

#include <poll.h>
#include <unistd.h>

#include <system_error>

namespace concur_uring {

SocketWatches::SocketWatches(EventLoop& loop, Ready ready, void* owner) : loop_(loop), ready_(ready), owner_(owner) {
  notes_.reserve(64);  // a call rarely says more; note() then seldom allocates
}

SocketWatches::~SocketWatches() { close_noted(); }

bool SocketWatches::note(curl_socket_t socket, int what) noexcept {
  try {
    notes_.push_back({socket, what});
    return true;
  } catch (...) {
    lost_ = true;
    return false;
  }
}

bool SocketWatches::note_closed(curl_socket_t socket) noexcept {
  try {
    notes_.push_back({socket, closed});
    return true;
  } catch (...) {
    lost_ = true;
    ::close(socket);  // curl expects it closed; a poll still on it is cancelled with the rest at teardown
    return false;
  }
}

void SocketWatches::apply() {
  // Progress is kept in a member: if the ring throws part-way, cancel_all()
  // still closes the sockets noted after that point, and none twice.
  while (applied_ < notes_.size()) {
    act(notes_[applied_]);
    ++applied_;
  }
  notes_.clear();
  applied_ = 0;
}

void SocketWatches::act(const Note& note) {
  if (note.what == closed) {
    forget(note.socket);  // curl said REMOVE first; this is for a socket it closed without
    ::close(note.socket);
    return;
  }
  if (note.what == CURL_POLL_REMOVE) {
    forget(note.socket);
    return;
  }
  std::unique_ptr<Watch>& slot = watches_[note.socket];
  if (!slot) {
    slot = std::make_unique<Watch>();
    slot->socket = note.socket;
  }
  Watch& watch = *slot;
  watch.wanted = note.what & (CURL_POLL_IN | CURL_POLL_OUT);
  // A fresh poll even for the same events: the number may name another
  // socket than the one the armed poll holds.
  if (watch.ticket != 0) {
    loop_.cancel(watch.ticket);
    watch.ticket = 0;
  }
  arm(watch);
}

void SocketWatches::arm(Watch& watch) {
  unsigned events = 0;
  if (watch.wanted & CURL_POLL_IN) events |= POLLIN;
  if (watch.wanted & CURL_POLL_OUT) events |= POLLOUT;
  if (events == 0) return;  // CURL_POLL_NONE: known, watched for nothing
  watch.ticket = loop_.start(*this, &watch, [socket = watch.socket, events](io_uring_sqe& sqe, __kernel_timespec&) {
    io_uring_prep_poll_add(&sqe, socket, events);
  });
}

void SocketWatches::forget(curl_socket_t socket) {
  const auto it = watches_.find(socket);
  if (it == watches_.end()) return;
  if (it->second->ticket != 0) loop_.cancel(it->second->ticket);  // its completion, if any, is now stale
  watches_.erase(it);
}

void SocketWatches::on_completion(void* context, int res, std::uint32_t) {
  Watch& watch = *static_cast<Watch*>(context);
  watch.ticket = 0;
  if (res < 0) throw std::system_error(-res, std::system_category(), "poll on a libcurl socket");
  const curl_socket_t socket = watch.socket;
  ready_(owner_, socket, select_bits(watch.wanted, static_cast<unsigned>(res)));
  // `watch` may be gone: curl may have said REMOVE meanwhile. If curl still
  // wants the socket and said nothing new about it (which would have armed a
  // fresh poll already), the one-shot poll is re-armed.
  if (const auto it = watches_.find(socket); it != watches_.end() && it->second->ticket == 0) arm(*it->second);
}

void SocketWatches::cancel_all() noexcept {
  for (auto& [socket, watch] : watches_) {
    if (watch->ticket == 0) continue;
    try {
      loop_.cancel(watch->ticket);
    } catch (...) {  // the ring broke: the slot stays live for EventLoop::cancel_all(), which never dispatches again
    }
  }
  watches_.clear();
  close_noted();
  lost_ = false;
}

void SocketWatches::close_noted() noexcept {
  for (std::size_t i = applied_; i < notes_.size(); ++i) {
    if (notes_[i].what == closed) ::close(notes_[i].socket);
  }
  notes_.clear();
  applied_ = 0;
}

int select_bits(int wanted, unsigned revents) noexcept {
  int bits = 0;
  if (wanted & CURL_POLL_IN) {
    if (revents & (POLLIN | POLLRDNORM | POLLERR | POLLHUP)) bits |= CURL_CSELECT_IN;
    if (revents & (POLLPRI | POLLNVAL)) bits |= CURL_CSELECT_ERR;
  }
  if (wanted & CURL_POLL_OUT) {
    if (revents & (POLLOUT | POLLWRNORM | POLLERR | POLLHUP)) bits |= CURL_CSELECT_OUT;
    if (revents & (POLLERR | POLLHUP | POLLPRI | POLLNVAL)) bits |= CURL_CSELECT_ERR;
  }
  return bits;
}

}  // namespace concur_uring
