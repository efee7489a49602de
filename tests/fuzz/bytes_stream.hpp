// BytesStream: fixed bytes as a Beast SyncReadStream, handed out a few at a time, so a request can be parsed exactly as a connection parses it, without a socket.
#pragma once

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/system_error.hpp>
#include <cstddef>
#include <cstdint>
#include <span>

namespace concur::fuzz {

class BytesStream {
 public:
  // Each read_some returns at most `chunk` bytes (at least 1), as TCP may split a request anywhere.
  BytesStream(std::span<const std::uint8_t> bytes, std::size_t chunk)
      : rest_(bytes), chunk_(std::max<std::size_t>(chunk, 1)) {}

  template <typename MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::beast::error_code& ec) {
    ec = {};
    if (rest_.empty()) {
      ec = boost::asio::error::eof;  // the client closed its side
      return 0;
    }
    const std::size_t n =
        boost::asio::buffer_copy(buffers, boost::asio::buffer(rest_.data(), std::min(chunk_, rest_.size())));
    rest_ = rest_.subspan(n);
    return n;
  }

  template <typename MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::beast::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::span<const std::uint8_t> rest_;
  std::size_t chunk_;
};

}  // namespace concur::fuzz
