// Channel: messages split into SOCK_SEQPACKET records, with SCM_RIGHTS for passing descriptors.
#include "channel.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace concur_fork {
namespace {

constexpr std::size_t record_payload = 32 * 1024;
constexpr char more_follows = 1;
constexpr char last_record = 0;
// Room for a few descriptors: a peer that sends more than expected still has
// each one received and closed, never left open in this process.
constexpr std::size_t max_fds = 4;

[[noreturn]] void fail(const char* what, int error) {
  throw ChannelError(std::string(what) + ": " + std::generic_category().message(error));
}

void send_record(int socket, char flag, std::string_view payload, int fd) {
  std::array<iovec, 2> iov{};
  iov[0].iov_base = &flag;
  iov[0].iov_len = 1;
  iov[1].iov_base = const_cast<char*>(payload.data());  // sendmsg does not write through it
  iov[1].iov_len = payload.size();

  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
  if (fd >= 0) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  for (;;) {
    const ssize_t sent = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
    if (sent >= 0) {
      // A SEQPACKET record is sent whole or not at all.
      if (static_cast<std::size_t>(sent) != 1 + payload.size()) throw ChannelError("short send of a record");
      return;
    }
    if (errno != EINTR) fail("cannot send a message", errno);
  }
}

// Closes every descriptor in the control data except the first, which is returned.
UniqueFd take_fds(msghdr& msg) {
  UniqueFd first;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      UniqueFd owned(fd);
      if (!first) first = std::move(owned);
    }
  }
  return first;
}

}  // namespace

std::pair<UniqueFd, UniqueFd> socket_pair() {
  std::array<int, 2> fds{};
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds.data()) != 0) fail("socketpair", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void send_message(int socket, std::string_view message, int fd) {
  do {
    const std::string_view piece = message.substr(0, record_payload);
    message.remove_prefix(piece.size());
    send_record(socket, message.empty() ? last_record : more_follows, piece, fd);
    fd = -1;  // the descriptor travels with the first record only
  } while (!message.empty());
}

Received receive_message(int socket, std::size_t max_size) {
  Received received;
  std::array<char, 1 + record_payload> buffer{};
  for (bool first = true;; first = false) {
    iovec iov{buffer.data(), buffer.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) std::array<char, CMSG_SPACE(max_fds * sizeof(int))> control{};
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();

    ssize_t got = 0;
    do {
      got = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0) fail("cannot receive a message", errno);

    UniqueFd fd = take_fds(msg);  // owned before any check can throw
    if (got == 0) {  // every record has its flag byte, so an empty read is the end of the stream
      if (!first) throw ChannelError("the peer closed the socket in the middle of a message");
      received.eof = true;
      return received;
    }
    if (msg.msg_flags & MSG_TRUNC) throw ChannelError("a record longer than the format allows");
    if (msg.msg_flags & MSG_CTRUNC) throw ChannelError("more descriptors than expected arrived with a message");
    if (fd) {
      if (!first || received.fd) throw ChannelError("a descriptor arrived in the middle of a message");
      received.fd = std::move(fd);
    }

    const std::size_t payload = static_cast<std::size_t>(got) - 1;
    if (received.bytes.size() + payload > max_size) {
      throw ChannelError("a message longer than " + std::to_string(max_size) + " bytes");
    }
    received.bytes.append(buffer.data() + 1, payload);
    if (buffer[0] == last_record) return received;
    if (buffer[0] != more_follows) throw ChannelError("a record with an invalid flag byte");
  }
}

}  // namespace concur_fork
