// The mpi strategy's messages: every type round trips, malformed bytes throw WireError, frames split and join across reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "mpi/messages.hpp"

namespace concur_mpi {
namespace {

constexpr std::int64_t i64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

// One of each type, in the variant's order, every field away from its
// default: extremes, empty and binary strings, so a field written or read
// with the wrong width, sign or order shows.
std::vector<Message> one_of_each() {
  return {
      OpenMessage{std::string("ticket\0with a NUL", 17), "4f0c-boot", i64_min},
      PingMessage{},
      ClockMessage{i64_max},
      ReadyMessage{-5, {{-1, "node-a"}, {std::numeric_limits<std::int32_t>::max(), ""}}, {0, i64_max, -7}},
      RunMessage{{{0, 3}, {5, 5}, {7, u64_max}}},
      TaskMessage{u64_max},
      StartedMessage{1ULL << 40, 0xfffffffeU},
      ResultMessage{42, 3, -1, 77, std::string("\x00\xff sealed", 9)},
      DoneMessage{123456789},
      StopMessage{},
      FailedMessage{"mpi rank 2 (pid 7 on vm): gone"},
  };
}

// Each type's fields as a tuple, for comparing and printing.
auto fields(const OpenMessage& m) { return std::make_tuple(m.ticket, m.concur_boot_id, m.clock_offset_ns); }
auto fields(const PingMessage&) { return std::make_tuple(); }
auto fields(const ClockMessage& m) { return std::make_tuple(m.ns); }
auto fields(const ReadyMessage& m) {
  std::vector<std::pair<std::int32_t, std::string>> ranks;
  for (const RankInfo& r : m.ranks) ranks.emplace_back(r.pid, r.host);
  return std::make_tuple(m.cpu_ns, ranks, m.worker_cpu_ns);
}
auto fields(const RunMessage& m) { return std::make_tuple(m.ranges); }
auto fields(const TaskMessage& m) { return std::make_tuple(m.index); }
auto fields(const StartedMessage& m) { return std::make_tuple(m.index, m.lane); }
auto fields(const ResultMessage& m) { return std::make_tuple(m.index, m.lane, m.cpu_ns, m.end_ns, m.record); }
auto fields(const DoneMessage& m) { return std::make_tuple(m.cpu_ns); }
auto fields(const StopMessage&) { return std::make_tuple(); }
auto fields(const FailedMessage& m) { return std::make_tuple(m.message); }

void expect_same(const Message& got, const Message& want) {
  ASSERT_EQ(got.index(), want.index());
  std::visit([&](const auto& w) { EXPECT_EQ(fields(std::get<std::decay_t<decltype(w)>>(got)), fields(w)); }, want);
}

// A message of `type` whose body is `body` (no check of what it says).
std::string raw(MessageType type, const std::string& body) { return std::string(1, static_cast<char>(type)) + body; }
std::string u32_bytes(std::uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

TEST(MpiMessages, EveryTypeRoundTripsWithItsTypeByteFirst) {
  const std::vector<Message> messages = one_of_each();
  for (const Message& m : messages) {
    SCOPED_TRACE("message type " + std::to_string(m.index() + 1));
    const std::string bytes = encode(m);
    // The type byte is the wire's: MessageType's values follow the variant's order from 1.
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), m.index() + 1);
    expect_same(decode(bytes), m);
  }
}

// Every strict prefix of a message runs out of bytes; nothing decodes from part of one.
TEST(MpiMessages, TruncatedMessagesThrow) {
  for (const Message& m : one_of_each()) {
    const std::string bytes = encode(m);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_THROW(decode(std::string_view(bytes).substr(0, n)), WireError) << "type " << m.index() + 1 << ", " << n << " bytes";
    }
  }
}

TEST(MpiMessages, TrailingBytesThrow) {
  for (const Message& m : one_of_each()) EXPECT_THROW(decode(encode(m) + '\0'), WireError) << "type " << m.index() + 1;
}

TEST(MpiMessages, UnknownTypesThrow) {
  for (const int type : {0, 12, 200, 255}) EXPECT_THROW(decode(std::string(1, static_cast<char>(type))), WireError) << type;
}

// A count is checked before anything is reserved: a huge one throws instead
// of allocating, and one a few past what follows throws too.
TEST(MpiMessages, CountsPastTheEndThrow) {
  const std::string cpu(8, '\0');
  EXPECT_THROW(decode(raw(MessageType::ready, cpu + u32_bytes(0xffffffffU))), WireError);
  EXPECT_THROW(decode(raw(MessageType::ready, cpu + u32_bytes(2) + u32_bytes(7) + u32_bytes(0))), WireError);
  EXPECT_THROW(decode(raw(MessageType::ready, cpu + u32_bytes(0) + u32_bytes(1000))), WireError);
  EXPECT_THROW(decode(raw(MessageType::run, u32_bytes(0xffffffffU))), WireError);
  EXPECT_THROW(decode(raw(MessageType::run, u32_bytes(2) + std::string(16, '\0'))), WireError);
  // A string's length past the end.
  EXPECT_THROW(decode(raw(MessageType::failed, u32_bytes(1000) + "abc")), WireError);
}

TEST(MpiMessages, ARangeEndingBeforeItBeginsThrows) {
  const std::string five = encode(TaskMessage{5}).substr(1), four = encode(TaskMessage{4}).substr(1);  // u64s
  EXPECT_THROW(decode(raw(MessageType::run, u32_bytes(1) + five + four)), WireError);
  EXPECT_NO_THROW(decode(raw(MessageType::run, u32_bytes(1) + four + five)));
}

TEST(MpiMessages, AFrameIsTheLittleEndianLengthThenTheMessage) {
  const Message m = FailedMessage{std::string(300, 'x')};
  const std::string body = encode(m);
  EXPECT_EQ(frame(m), u32_bytes(static_cast<std::uint32_t>(body.size())) + body);
}

// Every message of `stream`, fed to a FrameBuffer `chunk` bytes at a time.
std::vector<Message> read_in_chunks(const std::string& stream, std::size_t chunk) {
  FrameBuffer buffer(1 << 20);
  std::vector<Message> got;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    buffer.append(stream.data() + at, std::min(chunk, stream.size() - at));
    for (Message m; buffer.next(m);) got.push_back(std::move(m));
  }
  EXPECT_TRUE(buffer.unread().empty());
  return got;
}

// Reads off a pipe cut the stream anywhere: inside a length, inside a body,
// several frames in one read.
TEST(MpiFrameBuffer, SplitsAndJoinsFramesAcrossAppends) {
  const std::vector<Message> sent = one_of_each();
  std::string stream;
  for (int round = 0; round < 3; ++round) {
    for (const Message& m : sent) stream += frame(m);
  }
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{64}, stream.size()}) {
    SCOPED_TRACE(std::to_string(chunk) + "-byte appends");
    const std::vector<Message> got = read_in_chunks(stream, chunk);
    ASSERT_EQ(got.size(), 3 * sent.size());
    for (std::size_t i = 0; i < got.size(); ++i) expect_same(got[i], sent[i % sent.size()]);
  }
}

TEST(MpiFrameBuffer, APartFrameWaitsInUnread) {
  const std::string bytes = frame(ClockMessage{9});
  FrameBuffer buffer(64);
  Message m;
  buffer.append(bytes.data(), bytes.size() - 1);
  EXPECT_FALSE(buffer.next(m));
  EXPECT_EQ(buffer.unread(), std::string_view(bytes).substr(0, bytes.size() - 1));
  buffer.append(bytes.data() + bytes.size() - 1, 1);
  ASSERT_TRUE(buffer.next(m));
  expect_same(m, ClockMessage{9});
  EXPECT_FALSE(buffer.next(m));
}

// A length above the cap means the stream is not the rank program's: it
// throws as soon as the length is read, without waiting for the body.
TEST(MpiFrameBuffer, ALengthAboveTheCapOrZeroThrows) {
  const std::string big = frame(FailedMessage{std::string(100, 'x')});
  FrameBuffer capped(64);
  capped.append(big.data(), 4);
  Message m;
  EXPECT_THROW(capped.next(m), WireError);

  const std::string at_cap = frame(FailedMessage{std::string(59, 'x')});  // 1 + 4 + 59 = 64 bytes
  FrameBuffer exact(64);
  exact.append(at_cap.data(), at_cap.size());
  EXPECT_TRUE(exact.next(m));

  FrameBuffer empty(64);
  empty.append("\0\0\0\0", 4);
  EXPECT_THROW(empty.next(m), WireError);
}

TEST(MpiFrameBuffer, AFrameHoldingNoMessageThrows) {
  const std::string junk = u32_bytes(2) + std::string("\x63\x00", 2);  // type 99
  FrameBuffer buffer(64);
  buffer.append(junk.data(), junk.size());
  Message m;
  EXPECT_THROW(buffer.next(m), WireError);
}

}  // namespace
}  // namespace concur_mpi
