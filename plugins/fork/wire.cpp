// Encoding and validated decoding of the fork strategy's binary messages.
#include "wire.hpp"

#include <limits>
#include <type_traits>

namespace concur_fork {
namespace {

// Appends fields to one message. Integers are written byte by byte, least
// significant first, so the format does not depend on the host.
class Writer {
 public:
  explicit Writer(MessageType type) { u8(static_cast<std::uint8_t>(type)); }

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

  MessageType type() { return static_cast<MessageType>(u8()); }
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

[[noreturn]] void unexpected(MessageType type, const char* expected) {
  throw WireError("unexpected message type " + std::to_string(static_cast<unsigned>(type)) + "; expected " + expected);
}

std::int64_t cpu_time(Reader& r, const char* what) {
  const std::int64_t ns = r.i64();
  if (ns < 0) throw WireError(std::string(what) + ": negative CPU time");
  return ns;
}

}  // namespace

std::string encode(const SpawnRequest& m) {
  return Writer(MessageType::spawn).str(m.description).u32(m.worker).u32(m.lanes).take();
}
std::string encode(const ReapRequest& m) { return Writer(MessageType::reap).i32(m.pid).u8(m.kill ? 1 : 0).take(); }
std::string encode(const Reply& m) {
  return std::visit(
      [&](const auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, ErrorReply>) {
          return Writer(MessageType::error).i64(m.server_cpu_ns).str(body.message).take();
        } else if constexpr (std::is_same_v<Body, SpawnedReply>) {
          return Writer(MessageType::spawned).i64(m.server_cpu_ns).i32(body.pid).take();
        } else {
          return Writer(MessageType::reaped).i64(m.server_cpu_ns).i32(body.status).i64(body.cpu_ns).take();
        }
      },
      m.body);
}
std::string encode(const GoMessage&) { return Writer(MessageType::go).take(); }
std::string encode(const ReadyMessage& m) { return Writer(MessageType::ready).i64(m.cpu_ns).take(); }
std::string encode(const FailedMessage& m) { return Writer(MessageType::failed).str(m.message).take(); }
std::string encode(const ResultMessage& m) {
  return Writer(MessageType::result).u64(m.index).i64(m.cpu_ns).str(m.record).take();
}
std::string encode(const IdleMessage& m) { return Writer(MessageType::idle).i64(m.cpu_ns).take(); }

Request decode_request(std::string_view bytes) {
  Reader r(bytes);
  Request request;
  switch (const MessageType type = r.type()) {
    case MessageType::spawn: {
      SpawnRequest spawn;
      spawn.description = r.str();
      spawn.worker = r.u32();
      spawn.lanes = r.u32();
      if (spawn.worker >= spawn.lanes) {
        throw WireError("spawn: worker " + std::to_string(spawn.worker) + " of " + std::to_string(spawn.lanes) + " lanes");
      }
      request = std::move(spawn);
      break;
    }
    case MessageType::reap: {
      const pid_t pid = r.i32();
      if (pid <= 0) throw WireError("reap: invalid pid " + std::to_string(pid));
      const std::uint8_t kill = r.u8();
      if (kill > 1) throw WireError("reap: invalid kill flag " + std::to_string(kill));
      request = ReapRequest{pid, kill == 1};
      break;
    }
    default: unexpected(type, "a request (spawn or reap)");
  }
  r.end();
  return request;
}

Reply decode_reply(std::string_view bytes) {
  Reader r(bytes);
  Reply reply;
  const MessageType type = r.type();
  if (type != MessageType::error && type != MessageType::spawned && type != MessageType::reaped) {
    unexpected(type, "a reply (error, spawned or reaped)");
  }
  reply.server_cpu_ns = cpu_time(r, "reply");
  switch (type) {
    case MessageType::error: reply.body = ErrorReply{r.str()}; break;
    case MessageType::spawned: {
      const pid_t pid = r.i32();
      if (pid <= 0) throw WireError("spawned: invalid pid " + std::to_string(pid));
      reply.body = SpawnedReply{pid};
      break;
    }
    default: {
      ReapedReply reaped;
      reaped.status = r.i32();
      reaped.cpu_ns = cpu_time(r, "reaped");
      reply.body = reaped;
      break;
    }
  }
  r.end();
  return reply;
}

GoMessage decode_go(std::string_view bytes) {
  Reader r(bytes);
  if (const MessageType type = r.type(); type != MessageType::go) unexpected(type, "go");
  r.end();
  return {};
}

WorkerMessage decode_worker_message(std::string_view bytes) {
  Reader r(bytes);
  WorkerMessage message;
  switch (const MessageType type = r.type()) {
    case MessageType::ready: message = ReadyMessage{cpu_time(r, "ready")}; break;
    case MessageType::failed: message = FailedMessage{r.str()}; break;
    case MessageType::result: {
      ResultMessage result;
      result.index = r.u64();
      result.cpu_ns = cpu_time(r, "result");
      result.record = r.str();
      message = std::move(result);
      break;
    }
    case MessageType::idle: message = IdleMessage{cpu_time(r, "idle")}; break;
    default: unexpected(type, "a worker message (ready, failed, result or idle)");
  }
  r.end();
  return message;
}

}  // namespace concur_fork
