// Encoding and validated decoding of the mpi strategy's messages.
#include "messages.hpp"

#include <type_traits>

namespace concur_mpi {
namespace {

using concur_plugins::Reader;
using concur_plugins::Writer;

template <class T>
constexpr MessageType type_of() {
  if constexpr (std::is_same_v<T, OpenMessage>) return MessageType::open;
  if constexpr (std::is_same_v<T, PingMessage>) return MessageType::ping;
  if constexpr (std::is_same_v<T, ClockMessage>) return MessageType::clock;
  if constexpr (std::is_same_v<T, ReadyMessage>) return MessageType::ready;
  if constexpr (std::is_same_v<T, RunMessage>) return MessageType::run;
  if constexpr (std::is_same_v<T, TaskMessage>) return MessageType::task;
  if constexpr (std::is_same_v<T, StartedMessage>) return MessageType::started;
  if constexpr (std::is_same_v<T, ResultMessage>) return MessageType::result;
  if constexpr (std::is_same_v<T, DoneMessage>) return MessageType::done;
  if constexpr (std::is_same_v<T, StopMessage>) return MessageType::stop;
  if constexpr (std::is_same_v<T, FailedMessage>) return MessageType::failed;
}

void write_fields(Writer& w, const OpenMessage& m) { w.str(m.ticket).str(m.concur_boot_id).i64(m.clock_offset_ns); }
void write_fields(Writer&, const PingMessage&) {}
void write_fields(Writer& w, const ClockMessage& m) { w.i64(m.ns); }
void write_fields(Writer& w, const ReadyMessage& m) {
  w.i64(m.cpu_ns).u32(static_cast<std::uint32_t>(m.ranks.size()));
  for (const RankInfo& r : m.ranks) w.i32(r.pid).str(r.host);
  w.u32(static_cast<std::uint32_t>(m.worker_cpu_ns.size()));
  for (const std::int64_t ns : m.worker_cpu_ns) w.i64(ns);
}
void write_fields(Writer& w, const RunMessage& m) {
  w.u32(static_cast<std::uint32_t>(m.ranges.size()));
  for (const auto& [first, last] : m.ranges) w.u64(first).u64(last);
}
void write_fields(Writer& w, const TaskMessage& m) { w.u64(m.index); }
void write_fields(Writer& w, const StartedMessage& m) { w.u64(m.index).u32(m.lane); }
void write_fields(Writer& w, const ResultMessage& m) {
  w.u64(m.index).u32(m.lane).i64(m.cpu_ns).i64(m.end_ns).str(m.record);
}
void write_fields(Writer& w, const DoneMessage& m) { w.i64(m.cpu_ns); }
void write_fields(Writer&, const StopMessage&) {}
void write_fields(Writer& w, const FailedMessage& m) { w.str(m.message); }

// Counts read off a message are checked against what is left before anything is reserved.
std::uint32_t count(Reader& r, std::size_t bytes_each, std::size_t size) {
  const std::uint32_t n = r.u32();
  if (std::size_t{n} * bytes_each > size) throw WireError("a count of " + std::to_string(n) + " runs past the message");
  return n;
}

}  // namespace

std::string encode(const Message& m) {
  return std::visit(
      [](const auto& body) {
        Writer w(type_of<std::decay_t<decltype(body)>>());
        write_fields(w, body);
        return w.take();
      },
      m);
}

Message decode(std::string_view bytes) {
  Reader r(bytes);
  Message m;
  switch (const MessageType type = r.type<MessageType>()) {
    case MessageType::open: {
      OpenMessage o;
      o.ticket = r.str();
      o.concur_boot_id = r.str();
      o.clock_offset_ns = r.i64();
      m = std::move(o);
      break;
    }
    case MessageType::ping: m = PingMessage{}; break;
    case MessageType::clock: m = ClockMessage{r.i64()}; break;
    case MessageType::ready: {
      ReadyMessage ready;
      ready.cpu_ns = r.i64();
      for (std::uint32_t i = count(r, 8, bytes.size()); i > 0; --i) {
        RankInfo info;
        info.pid = r.i32();
        info.host = r.str();
        ready.ranks.push_back(std::move(info));
      }
      for (std::uint32_t i = count(r, 8, bytes.size()); i > 0; --i) ready.worker_cpu_ns.push_back(r.i64());
      m = std::move(ready);
      break;
    }
    case MessageType::run: {
      RunMessage run;
      for (std::uint32_t i = count(r, 16, bytes.size()); i > 0; --i) {
        const std::uint64_t first = r.u64();
        const std::uint64_t last = r.u64();
        if (last < first) throw WireError("a range that ends before it begins");
        run.ranges.emplace_back(first, last);
      }
      m = std::move(run);
      break;
    }
    case MessageType::task: m = TaskMessage{r.u64()}; break;
    case MessageType::started: {
      StartedMessage s;
      s.index = r.u64();
      s.lane = r.u32();
      m = s;
      break;
    }
    case MessageType::result: {
      ResultMessage res;
      res.index = r.u64();
      res.lane = r.u32();
      res.cpu_ns = r.i64();
      res.end_ns = r.i64();
      res.record = r.str();
      m = std::move(res);
      break;
    }
    case MessageType::done: m = DoneMessage{r.i64()}; break;
    case MessageType::stop: m = StopMessage{}; break;
    case MessageType::failed: m = FailedMessage{r.str()}; break;
    default: throw WireError("unknown message type " + std::to_string(static_cast<unsigned>(type)));
  }
  r.end();
  return m;
}

std::string frame(const Message& m) {
  const std::string body = encode(m);
  std::string out;
  out.reserve(4 + body.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((body.size() >> (8 * i)) & 0xff));
  return out + body;
}

void FrameBuffer::append(const char* data, std::size_t size) {
  // Taken bytes are dropped only when they are most of the buffer, so each byte moves O(1) times.
  if (read_ > 0 && read_ >= bytes_.size() / 2) {
    bytes_.erase(0, read_);
    read_ = 0;
  }
  bytes_.append(data, size);
}

bool FrameBuffer::next(Message& out) {
  const std::string_view rest = unread();
  if (rest.size() < 4) return false;
  std::size_t length = 0;
  for (int i = 0; i < 4; ++i) length |= std::size_t{static_cast<unsigned char>(rest[static_cast<std::size_t>(i)])} << (8 * i);
  if (length == 0 || length > max_bytes_) {
    throw WireError("a message of " + std::to_string(length) + " bytes (at most " + std::to_string(max_bytes_) +
                    " expected)");
  }
  if (rest.size() < 4 + length) return false;
  out = decode(rest.substr(4, length));
  read_ += 4 + length;
  return true;
}

}  // namespace concur_mpi
