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

concur_fork::ResultMessage sample_result() {
  return {11, 1'234'567'890'123, std::string("sealed\0bytes", 12)};
}

TEST(ForkWire, WorkerMessagesRoundTrip) {
  const auto result = concur_fork::decode_worker_message(concur_fork::encode(sample_result()));
  ASSERT_TRUE(std::holds_alternative<concur_fork::ResultMessage>(result));
  EXPECT_EQ(std::get<concur_fork::ResultMessage>(result).index, 11u);
  EXPECT_EQ(std::get<concur_fork::ResultMessage>(result).cpu_ns, 1'234'567'890'123);
  EXPECT_EQ(std::get<concur_fork::ResultMessage>(result).record, std::string("sealed\0bytes", 12));

  const auto ready = concur_fork::decode_worker_message(concur_fork::encode(concur_fork::ReadyMessage{77}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::ReadyMessage>(ready));
  EXPECT_EQ(std::get<concur_fork::ReadyMessage>(ready).cpu_ns, 77);

  const auto failed = concur_fork::decode_worker_message(concur_fork::encode(concur_fork::FailedMessage{"no Io"}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::FailedMessage>(failed));
  EXPECT_EQ(std::get<concur_fork::FailedMessage>(failed).message, "no Io");
}

TEST(ForkWire, IntegersAreLittleEndian) {
  const std::string bytes = concur_fork::encode(concur_fork::ResultMessage{0x0102030405060708ull, 0, ""});
  EXPECT_EQ(bytes.substr(1, 8), std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));  // after the type byte
}

TEST(ForkWire, RequestsAndRepliesRoundTrip) {
  const auto spawn = concur_fork::decode_request(concur_fork::encode(concur_fork::SpawnRequest{"{\"w\":1}", 7, 8}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::SpawnRequest>(spawn));
  EXPECT_EQ(std::get<concur_fork::SpawnRequest>(spawn).description, "{\"w\":1}");
  EXPECT_EQ(std::get<concur_fork::SpawnRequest>(spawn).worker, 7u);
  EXPECT_EQ(std::get<concur_fork::SpawnRequest>(spawn).lanes, 8u);
  EXPECT_THROW(concur_fork::decode_request(concur_fork::encode(concur_fork::SpawnRequest{"", 8, 8})), WireError);

  const auto idle = concur_fork::decode_worker_message(concur_fork::encode(concur_fork::IdleMessage{9}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::IdleMessage>(idle));
  EXPECT_EQ(std::get<concur_fork::IdleMessage>(idle).cpu_ns, 9);
  EXPECT_NO_THROW(concur_fork::decode_go(concur_fork::encode(concur_fork::GoMessage{})));

  const auto reap = concur_fork::decode_request(concur_fork::encode(concur_fork::ReapRequest{1234, true}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::ReapRequest>(reap));
  EXPECT_EQ(std::get<concur_fork::ReapRequest>(reap).pid, 1234);
  EXPECT_TRUE(std::get<concur_fork::ReapRequest>(reap).kill);

  const concur_fork::Reply reaped =
      concur_fork::decode_reply(concur_fork::encode(concur_fork::Reply{5, concur_fork::ReapedReply{0x86, 1'500'000'000}}));
  EXPECT_EQ(reaped.server_cpu_ns, 5);
  ASSERT_TRUE(std::holds_alternative<concur_fork::ReapedReply>(reaped.body));
  EXPECT_EQ(std::get<concur_fork::ReapedReply>(reaped.body).status, 0x86);
  EXPECT_EQ(std::get<concur_fork::ReapedReply>(reaped.body).cpu_ns, 1'500'000'000);

  const concur_fork::Reply error = concur_fork::decode_reply(concur_fork::encode(concur_fork::Reply{0, concur_fork::ErrorReply{"no"}}));
  ASSERT_TRUE(std::holds_alternative<concur_fork::ErrorReply>(error.body));
  EXPECT_EQ(std::get<concur_fork::ErrorReply>(error.body).message, "no");
}

// Every prefix of a valid message is cut short somewhere: each must be refused.
TEST(ForkWire, EveryTruncationIsRefused) {
  const std::string bytes = concur_fork::encode(sample_result());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(concur_fork::decode_worker_message(bytes.substr(0, n)), WireError) << n << " bytes";
  }
}

TEST(ForkWire, MalformedMessagesAreRefused) {
  const std::string bytes = concur_fork::encode(sample_result());
  EXPECT_THROW(concur_fork::decode_worker_message(bytes + '\0'), WireError);  // trailing byte

  std::string huge_length = concur_fork::encode(concur_fork::FailedMessage{"abc"});
  huge_length.replace(1, 4, "\xff\xff\xff\xff");  // a string length far past the end
  EXPECT_THROW(concur_fork::decode_worker_message(huge_length), WireError);

  std::string negative_cpu = concur_fork::encode(concur_fork::ReadyMessage{1});
  negative_cpu.replace(1, 8, std::string(8, '\xff'));
  EXPECT_THROW(concur_fork::decode_worker_message(negative_cpu), WireError);

  EXPECT_THROW(concur_fork::decode_go(bytes), WireError);  // a result where go was expected
  EXPECT_THROW(concur_fork::decode_go(concur_fork::encode(concur_fork::GoMessage{}) + 'x'), WireError);
  EXPECT_THROW(concur_fork::decode_request(concur_fork::encode(concur_fork::ReadyMessage{0})), WireError);
  EXPECT_THROW(concur_fork::decode_request(concur_fork::encode(concur_fork::ReapRequest{0, false})), WireError);
  std::string bad_flag = concur_fork::encode(concur_fork::ReapRequest{5, false});
  bad_flag.back() = 2;
  EXPECT_THROW(concur_fork::decode_request(bad_flag), WireError);
  EXPECT_THROW(concur_fork::decode_reply(std::string("\x63", 1)), WireError);  // unknown type
  EXPECT_THROW(concur_fork::decode_reply(concur_fork::encode(concur_fork::GoMessage{})), WireError);
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
