// Message fields: the byte format the in-tree process strategies (fork, mpi) use for their messages.
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace concur_plugins {

// A message that does not decode: wrong type, a length running past the end,
// an invalid value, or bytes left over. Never an overrun.
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Appends fields to one message: a type byte, then fixed-width integers
// written byte by byte, least significant first (so the format does not
// depend on the host), and strings as a u32 byte count and the bytes.
class Writer {
 public:
  template <class Type>
    requires std::is_enum_v<Type>
  explicit Writer(Type type) {
    u8(static_cast<std::uint8_t>(type));
  }

  Writer& u8(std::uint8_t v) {
    bytes_.push_back(static_cast<char>(v));
    return *this;
  }
  Writer& u32(std::uint32_t v) { return little_endian(v, 4); }
  Writer& u64(std::uint64_t v) { return little_endian(v, 8); }
  Writer& i32(std::int32_t v) { return u32(static_cast<std::uint32_t>(v)); }
  Writer& i64(std::int64_t v) { return u64(static_cast<std::uint64_t>(v)); }
  Writer& str(std::string_view s) {
    if (s.size() > std::numeric_limits<std::uint32_t>::max()) throw WireError("string too long for a message");
    u32(static_cast<std::uint32_t>(s.size()));
    bytes_.append(s);
    return *this;
  }

  std::string take() { return std::move(bytes_); }

 private:
  Writer& little_endian(std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) bytes_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return *this;
  }

  std::string bytes_;
};

// Reads fields off one message, checking every length against what is left.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  template <class Type>
  Type type() {
    return static_cast<Type>(u8());
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(little_endian(4)); }
  std::uint64_t u64() { return little_endian(8); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  std::string str() {
    const std::uint32_t size = u32();
    return std::string(take(size));
  }

  // A message with bytes after its last field was not written by this format.
  void end() const {
    if (!rest_.empty()) throw WireError(std::to_string(rest_.size()) + " unexpected bytes at the end of a message");
  }

 private:
  std::string_view take(std::size_t n) {
    if (n > rest_.size()) {
      throw WireError("truncated message: a field needs " + std::to_string(n) + " bytes, " +
                      std::to_string(rest_.size()) + " are left");
    }
    const std::string_view field = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return field;
  }

  std::uint64_t little_endian(int width) {
    const std::string_view b = take(static_cast<std::size_t>(width));
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= std::uint64_t{static_cast<unsigned char>(b[static_cast<std::size_t>(i)])} << (8 * i);
    return v;
  }

  std::string_view rest_;
};

}  // namespace concur_plugins
