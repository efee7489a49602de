// The fork strategy's message format and socket channel: round trips, and malformed input rejected without overrun.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "channel.hpp"
#include "wire.hpp"

namespace concur_fork_test {
namespace {

using concur_fork::WireError;

concur::TaskReport sample_report() {
  concur::TaskReport r;
  r.index = 11;
  r.worker = 2;
  r.start_ns = 1'234'567'890'123;
  r.end_ns = -5;  // any value travels
  r.outcome.status = concur::Status::not_found;
  r.outcome.bytes = 0xfedcba9876543210ull;
  r.outcome.value = -42;
  r.outcome.digest = "00ff";
  r.outcome.message = std::string("with\0nul", 8);
  return r;
}

TEST(ForkWire, ResultRoundTrip) {
  const concur::TaskReport r = concur_fork::decode_result(concur_fork::encode(sample_report()));
  const concur::TaskReport expected = sample_report();
  EXPECT_EQ(r.index, expected.index);
  EXPECT_EQ(r.worker, expected.worker);
  EXPECT_EQ(r.start_ns, expected.start_ns);
  EXPECT_EQ(r.end_ns, expected.end_ns);
  EXPECT_EQ(r.outcome.status, expected.outcome.status);
  EXPECT_EQ(r.outcome.bytes, expected.outcome.bytes);
  EXPECT_EQ(r.outcome.value, expected.outcome.value);
  EXPECT_EQ(r.outcome.digest, expected.outcome.digest);
  EXPECT_EQ(r.outcome.message, expected.outcome.message);
}

TEST(ForkWire, IntegersAreLittleEndian) {
  const std::string bytes = concur_fork::encode(concur_fork::TaskMessage{0x0102030405060708ull});
  EXPECT_EQ(bytes, std::string("\x08\x08\x07\x06\x05\x04\x03\x02\x01", 9));
}

TEST(ForkWire, RequestsAndRepliesRoundTrip) {
  const auto spawn = concur_fork::decode_request(concur_fork::encode(concur_fork::SpawnRequest{"{\"w\":1}", 7}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::SpawnRequest>(spawn));
  EXPECT_EQ(std::get<concur_fork::SpawnRequest>(spawn).description, "{\"w\":1}");
  EXPECT_EQ(std::get<concur_fork::SpawnRequest>(spawn).worker, 7u);

  const auto reaped = concur_fork::decode_reply(concur_fork::encode(concur_fork::ReapedReply{0x86, 1'500'000'000}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::ReapedReply>(reaped));
  EXPECT_EQ(std::get<concur_fork::ReapedReply>(reaped).status, 0x86);
  EXPECT_EQ(std::get<concur_fork::ReapedReply>(reaped).cpu_ns, 1'500'000'000);

  const auto error = concur_fork::decode_reply(concur_fork::encode(concur_fork::ErrorReply{"no"}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::ErrorReply>(error));
  EXPECT_EQ(std::get<concur_fork::ErrorReply>(error).message, "no");
}

// Every prefix of a valid message is cut short somewhere: each must be refused.
TEST(ForkWire, EveryTruncationIsRefused) {
  const std::string bytes = concur_fork::encode(sample_report());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(concur_fork::decode_result(bytes.substr(0, n)), WireError) << n << " bytes";
  }
}

TEST(ForkWire, MalformedMessagesAreRefused) {
  std::string bytes = concur_fork::encode(sample_report());
  EXPECT_THROW(concur_fork::decode_result(bytes + '\0'), WireError);  // trailing byte

  std::string huge_length = concur_fork::encode(concur_fork::ErrorReply{"abc"});
  huge_length.replace(1, 4, "\xff\xff\xff\xff");  // a string length far past the end
  EXPECT_THROW(concur_fork::decode_reply(huge_length), WireError);

  std::string bad_status = bytes;
  bad_status[1 + 8 + 4 + 8 + 8] = 3;  // type, index, worker, start, end, then status
  EXPECT_THROW(concur_fork::decode_result(bad_status), WireError);

  EXPECT_THROW(concur_fork::decode_task(bytes), WireError);  // a result where a task was expected
  EXPECT_THROW(concur_fork::decode_request(concur_fork::encode(concur_fork::OkReply{})), WireError);
  EXPECT_THROW(concur_fork::decode_request(concur_fork::encode(concur_fork::ReapRequest{0})), WireError);
  EXPECT_THROW(concur_fork::decode_reply(std::string("\x63", 1)), WireError);  // unknown type
}

TEST(ForkChannel, LargeMessagesArriveWholeInRecords) {
  auto [a, b] = concur_fork::socket_pair();
  std::string message(1'000'000, 'x');
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>(i * 7);
  // The sender blocks once the socket buffer is full, so it needs its own thread.
  std::thread sender([&, fd = a.get()] { concur_fork::send_message(fd, message); });
  const concur_fork::Received received = concur_fork::receive_message(b.get(), 2'000'000);
  sender.join();
  EXPECT_FALSE(received.eof);
  EXPECT_EQ(received.bytes, message);
  EXPECT_FALSE(received.fd);
}

TEST(ForkChannel, PassesADescriptorAndReportsEndOfFile) {
  auto [a, b] = concur_fork::socket_pair();
  auto [x, y] = concur_fork::socket_pair();
  concur_fork::send_message(a.get(), "here", x.get());
  concur_fork::Received received = concur_fork::receive_message(b.get(), 100);
  EXPECT_EQ(received.bytes, "here");
  ASSERT_TRUE(received.fd);
  // The passed descriptor is the same socket: what goes in comes out of y.
  concur_fork::send_message(received.fd.get(), "through");
  EXPECT_EQ(concur_fork::receive_message(y.get(), 100).bytes, "through");

  a.reset();
  EXPECT_TRUE(concur_fork::receive_message(b.get(), 100).eof);
}

TEST(ForkChannel, RefusesOverlongMessagesAndBrokenRecords) {
  auto [a, b] = concur_fork::socket_pair();
  concur_fork::send_message(a.get(), std::string(200, 'x'));
  EXPECT_THROW(concur_fork::receive_message(b.get(), 100), concur_fork::ChannelError);

  auto [c, d] = concur_fork::socket_pair();
  const char bad_flag[] = {7, 'x'};
  ASSERT_EQ(::send(c.get(), bad_flag, sizeof bad_flag, 0), 2);
  EXPECT_THROW(concur_fork::receive_message(d.get(), 100), concur_fork::ChannelError);

  auto [e, f] = concur_fork::socket_pair();
  const char more = 1;
  ASSERT_EQ(::send(e.get(), &more, 1, 0), 1);  // "more follows", then the peer goes
  e.reset();
  EXPECT_THROW(concur_fork::receive_message(f.get(), 100), concur_fork::ChannelError);
}

TEST(ForkChannel, SendingToAClosedPeerThrowsInsteadOfRaisingSigpipe) {
  auto [a, b] = concur_fork::socket_pair();
  b.reset();
  EXPECT_THROW(concur_fork::send_message(a.get(), "anyone?"), concur_fork::ChannelError);
}

}  // namespace
}  // namespace concur_fork_test
