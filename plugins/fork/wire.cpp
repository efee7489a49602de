// Encoding and validated decoding of the fork strategy's binary messages.
#include "wire.hpp"

#include <type_traits>

namespace concur_fork {
namespace {

using concur_plugins::Reader;
using concur_plugins::Writer;

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
  switch (const MessageType type = r.type<MessageType>()) {
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
  const MessageType type = r.type<MessageType>();
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
  if (const MessageType type = r.type<MessageType>(); type != MessageType::go) unexpected(type, "go");
  r.end();
  return {};
}

WorkerMessage decode_worker_message(std::string_view bytes) {
  Reader r(bytes);
  WorkerMessage message;
  switch (const MessageType type = r.type<MessageType>()) {
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
