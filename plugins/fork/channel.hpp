// Channel: whole messages, and file descriptors with them, over a SOCK_SEQPACKET Unix socket.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "common/unique_fd.hpp"

namespace concur_fork {

using concur_plugins::UniqueFd;

// The socket failed, the peer went away in the middle of a message, or a
// message broke the record format. what() says which.
class ChannelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A connected pair of SOCK_SEQPACKET sockets (close-on-exec). SEQPACKET keeps
// record boundaries and reports a closed peer as end-of-file, which is how a
// dead worker or server is noticed. Throws ChannelError.
std::pair<UniqueFd, UniqueFd> socket_pair();

struct Received {
  bool eof = false;   // the peer closed its end before a message began
  std::string bytes;  // the message
  UniqueFd fd;        // the descriptor that travelled with it, if any
};

// Sends one message, and `fd` with it when >= 0. A message may be larger than
// one socket record can be (about the socket's send buffer), so it goes as a
// run of records of at most 32 KiB, each starting with a byte saying whether
// more follow. Never raises SIGPIPE. Throws ChannelError.
void send_message(int socket, std::string_view message, int fd = -1);

// Receives one message of at most `max_size` bytes; blocks until it is
// complete. Throws ChannelError (a longer message, a broken record, a socket error).
Received receive_message(int socket, std::size_t max_size);

}  // namespace concur_fork
