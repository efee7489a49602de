// The uring plugin's glue for libcurl driven directly on a ring: socket watches (poll, re-arm, cancel, close, reused numbers) and curl's timer.
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <utility>
#include <vector>

#include "uring/curl_timer.hpp"
#include "uring/event_loop.hpp"
#include "uring/ring.hpp"
#include "uring/ring_shape.hpp"
#include "uring/socket_watches.hpp"

namespace concur_test {
namespace {

using namespace std::chrono_literals;
using concur_uring::CurlTimer;
using concur_uring::EventLoop;
using concur_uring::Ring;
using concur_uring::SocketWatches;

using Clock = std::chrono::steady_clock;

// What the watches and the timer handed back, in order; also the guard
// timeout that keeps a test from blocking forever when nothing else comes.
struct Seen final : concur_uring::CompletionHandler {
  std::vector<std::pair<curl_socket_t, int>> ready;  // socket, CURL_CSELECT_* bits
  int expired = 0;
  bool guard_fired = false;
  bool drain_on_ready = true;  // read what is readable, as curl would
  void (*on_expired)(Seen&) = nullptr;

  static void ready_cb(void* self, curl_socket_t socket, int bits) {
    Seen& seen = *static_cast<Seen*>(self);
    seen.ready.emplace_back(socket, bits);
    if (seen.drain_on_ready) {
      char buffer[64];
      while (::recv(socket, buffer, sizeof buffer, MSG_DONTWAIT) > 0) {
      }
    }
  }
  static void expired_cb(void* self) {
    Seen& seen = *static_cast<Seen*>(self);
    ++seen.expired;
    if (seen.on_expired) seen.on_expired(seen);
  }
  void on_completion(void*, int, std::uint32_t) override { guard_fired = true; }
};

// A socket pair whose ends are closed unless taken.
struct Pair {
  int ours = -1;    // the end curl would own
  int theirs = -1;  // the peer
  Pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0) {
      ours = fds[0];
      theirs = fds[1];
    }
  }
  ~Pair() {
    if (ours >= 0) ::close(ours);
    if (theirs >= 0) ::close(theirs);
  }
  int take_ours() { return std::exchange(ours, -1); }
  void poke() const { ASSERT_EQ(::write(theirs, "x", 1), 1); }
};

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

class UringCurlLoop : public ::testing::Test {
 protected:
  UringCurlLoop() : ring_(concur_uring::ring_shape(8, 32)), loop_(ring_) {}

  // A 5 s timeout, so that a wait for something that never comes ends.
  EventLoop::Ticket arm_guard() {
    seen_.guard_fired = false;
    return loop_.start(seen_, nullptr, [](io_uring_sqe& sqe, __kernel_timespec& ts) {
      ts.tv_sec = 5;
      ts.tv_nsec = 0;
      io_uring_prep_timeout(&sqe, &ts, 0, 0);
    });
  }
  // Turns of the loop until `done()` (its guard counted in live() and
  // in_kernel() meanwhile) or the guard fires; then the guard is cancelled.
  template <class Done>
  void turn_until(Done done) {
    const EventLoop::Ticket guard = arm_guard();
    while (!done() && !seen_.guard_fired) loop_.wait_and_dispatch();
    loop_.cancel(guard);
  }
  void tear_down(SocketWatches& watches) {
    watches.cancel_all();
    loop_.cancel_all();
    EXPECT_TRUE(loop_.drain(5s));
  }

  Ring ring_;
  EventLoop loop_;
  Seen seen_;
};

TEST(UringSelectBits, ReadsAPollAsLibcurlReadsItsOwn) {
  using concur_uring::select_bits;
  EXPECT_EQ(select_bits(CURL_POLL_IN, POLLIN), CURL_CSELECT_IN);
  EXPECT_EQ(select_bits(CURL_POLL_OUT, POLLOUT), CURL_CSELECT_OUT);
  EXPECT_EQ(select_bits(CURL_POLL_INOUT, POLLIN), CURL_CSELECT_IN);
  EXPECT_EQ(select_bits(CURL_POLL_INOUT, POLLIN | POLLOUT), CURL_CSELECT_IN | CURL_CSELECT_OUT);
  // A reset or closed peer is readable (recv then says why), not only an error.
  EXPECT_EQ(select_bits(CURL_POLL_IN, POLLIN | POLLHUP | POLLERR), CURL_CSELECT_IN);
  EXPECT_EQ(select_bits(CURL_POLL_IN, POLLHUP), CURL_CSELECT_IN);
  EXPECT_EQ(select_bits(CURL_POLL_OUT, POLLOUT | POLLERR | POLLHUP), CURL_CSELECT_OUT | CURL_CSELECT_ERR);
  EXPECT_EQ(select_bits(CURL_POLL_IN, POLLNVAL), CURL_CSELECT_ERR);
  EXPECT_EQ(select_bits(CURL_POLL_IN, POLLOUT), 0);  // not asked for
}

// One event, one call to curl; the one-shot poll is re-armed while curl
// still wants the socket, and an event not drained comes again.
TEST_F(UringCurlLoop, PollsAreReArmedPerEvent) {
  SocketWatches watches(loop_, &Seen::ready_cb, &seen_);
  Pair pair;
  ASSERT_GE(pair.ours, 0);
  ASSERT_TRUE(watches.note(pair.ours, CURL_POLL_IN));
  EXPECT_EQ(loop_.in_kernel(), 0u);  // noted, not acted on: that waits until curl's call returns
  watches.apply();
  EXPECT_EQ(watches.watched(), 1u);
  EXPECT_EQ(loop_.live(), 1u);

  for (int event = 1; event <= 3; ++event) {
    pair.poke();
    turn_until([&] { return seen_.ready.size() == static_cast<std::size_t>(event); });
    ASSERT_EQ(seen_.ready.size(), static_cast<std::size_t>(event));
    EXPECT_EQ(seen_.ready.back(), std::make_pair(pair.ours, CURL_CSELECT_IN));
    EXPECT_EQ(loop_.live(), 1u);  // re-armed
  }

  seen_.drain_on_ready = false;  // level-triggered: unread data wakes the re-armed poll again
  pair.poke();
  turn_until([&] { return seen_.ready.size() == 5; });
  EXPECT_EQ(seen_.ready.size(), 5u);
  tear_down(watches);
}

// CURL_POLL_REMOVE cancels the poll at once: an event that races the
// cancel is dropped (its generation is stale), never handed to curl.
TEST_F(UringCurlLoop, RemoveCancelsAndLateCompletionsAreDropped) {
  SocketWatches watches(loop_, &Seen::ready_cb, &seen_);
  Pair pair;
  ASSERT_TRUE(watches.note(pair.ours, CURL_POLL_IN));
  watches.apply();
  ring_.submit(false);  // the poll is in the kernel
  pair.poke();          // and completes, or is about to
  ASSERT_TRUE(watches.note(pair.ours, CURL_POLL_REMOVE));
  watches.apply();
  EXPECT_EQ(watches.watched(), 0u);
  EXPECT_EQ(loop_.live(), 0u);
  EXPECT_EQ(loop_.in_kernel(), 2u);                    // the poll, its cancel
  turn_until([&] { return loop_.in_kernel() == 1; });  // both answered: the guard is left
  EXPECT_TRUE(seen_.ready.empty());
  tear_down(watches);
}

// A socket curl closes (CURLOPT_CLOSESOCKETFUNCTION) is closed only when the
// notes are acted on, after its poll was cancelled.
TEST_F(UringCurlLoop, HandedOverSocketsAreClosedAfterTheirPollIsCancelled) {
  SocketWatches watches(loop_, &Seen::ready_cb, &seen_);
  Pair pair;
  const int socket = pair.take_ours();
  ASSERT_TRUE(watches.note(socket, CURL_POLL_IN));
  watches.apply();
  ASSERT_TRUE(watches.note(socket, CURL_POLL_REMOVE));
  ASSERT_TRUE(watches.note_closed(socket));
  EXPECT_TRUE(is_open(socket));  // not inside curl's callback
  watches.apply();
  EXPECT_FALSE(is_open(socket));
  EXPECT_EQ(watches.watched(), 0u);
  EXPECT_EQ(loop_.live(), 0u);

  // Closed without a REMOVE first: the watch goes too.
  Pair other;
  const int second = other.take_ours();
  ASSERT_TRUE(watches.note(second, CURL_POLL_IN));
  watches.apply();
  ASSERT_TRUE(watches.note_closed(second));
  watches.apply();
  EXPECT_FALSE(is_open(second));
  EXPECT_EQ(watches.watched(), 0u);
  EXPECT_EQ(loop_.live(), 0u);

  // Handed over and never acted on (a call that threw): closed at teardown.
  Pair third;
  const int last = third.take_ours();
  ASSERT_TRUE(watches.note_closed(last));
  tear_down(watches);
  EXPECT_FALSE(is_open(last));
}

// Within one libcurl call a socket may be closed behind our back (its
// resolver's socketpair) and its number given to a new one. The old poll
// holds the old file; curl's next word about the number must get a poll on
// the new socket, or its events would never come.
TEST_F(UringCurlLoop, AReusedNumberGetsAFreshPoll) {
  for (const bool removed_first : {true, false}) {
    SocketWatches watches(loop_, &Seen::ready_cb, &seen_);
    seen_.ready.clear();
    Pair old_pair;
    const int number = old_pair.ours;
    ASSERT_TRUE(watches.note(number, CURL_POLL_IN));
    watches.apply();
    ring_.submit(false);  // armed on the old socket's file

    // During one call: REMOVE (or not), closed, the number reused, IN again.
    if (removed_first) {
      ASSERT_TRUE(watches.note(number, CURL_POLL_REMOVE));
    }
    ::close(old_pair.take_ours());
    Pair new_pair;
    if (new_pair.ours != number) GTEST_SKIP() << "the kernel did not reuse the number";
    ASSERT_TRUE(watches.note(number, CURL_POLL_IN));
    watches.apply();

    new_pair.poke();
    turn_until([&] { return !seen_.ready.empty(); });
    ASSERT_FALSE(seen_.guard_fired) << "the new socket's event never came (removed first: " << removed_first << ")";
    EXPECT_EQ(seen_.ready.front(), std::make_pair(number, CURL_CSELECT_IN));
    tear_down(watches);
  }
}

// --- curl's timer ----------------------------------------------------------

// 0 ms: not called from within apply() (that would be inside curl's call),
// but on the next turn of the loop, as a deferred call: nothing goes to the
// kernel for it, and that turn does not block.
TEST_F(UringCurlLoop, TimerAtZeroFiresOnTheNextTurn) {
  CurlTimer timer(loop_, &Seen::expired_cb, &seen_);
  timer.note(0);
  timer.apply();
  EXPECT_EQ(seen_.expired, 0);
  EXPECT_EQ(loop_.live(), 1u);
  EXPECT_EQ(loop_.in_kernel(), 0u);
  EXPECT_TRUE(loop_.has_deferred());
  loop_.wait_and_dispatch();
  EXPECT_EQ(seen_.expired, 1);
  EXPECT_FALSE(timer.wanted());  // curl says what it wants next, during the call
  EXPECT_EQ(loop_.in_kernel(), 0u);
}

// Deferred calls run at the start of the next turn, before it blocks; a
// call deferred while they run waits for the turn after, and the turn does
// not block then (a 5 s guard is in the kernel); nor does one after a
// deferred call scheduled a coroutine. A cancelled call never runs.
TEST_F(UringCurlLoop, DeferredCallsRunOnTheNextTurnWithoutBlocking) {
  struct Calls final : concur_uring::CompletionHandler {
    EventLoop* loop = nullptr;
    std::vector<std::uintptr_t> order;
    void on_completion(void* context, int res, std::uint32_t) override {
      EXPECT_EQ(res, 0);
      order.push_back(reinterpret_cast<std::uintptr_t>(context));
      if (order.size() == 1) loop->defer(*this, reinterpret_cast<void*>(3));
      if (order.size() == 2) loop->schedule(std::noop_coroutine());  // as a finished transfer does
    }
  } calls;
  calls.loop = &loop_;
  const EventLoop::Ticket guard = arm_guard();
  loop_.defer(calls, reinterpret_cast<void*>(1));
  const EventLoop::Ticket dropped = loop_.defer(calls, reinterpret_cast<void*>(2));
  loop_.cancel(dropped);
  EXPECT_EQ(loop_.live(), 2u);  // the guard and call 1
  EXPECT_TRUE(calls.order.empty());

  const auto before = Clock::now();
  loop_.wait_and_dispatch();
  EXPECT_EQ(calls.order, (std::vector<std::uintptr_t>{1}));
  EXPECT_TRUE(loop_.has_deferred());
  loop_.wait_and_dispatch();
  EXPECT_EQ(calls.order, (std::vector<std::uintptr_t>{1, 3}));
  EXPECT_FALSE(loop_.has_deferred());
  EXPECT_TRUE(loop_.has_ready());
  EXPECT_LT(Clock::now() - before, 4s);  // neither turn waited for the guard
  loop_.forget_ready();
  EXPECT_FALSE(seen_.guard_fired);
  loop_.cancel(guard);
  EXPECT_TRUE(loop_.drain(5s));
  EXPECT_EQ(loop_.live(), 0u);
}

// curl calling itself back for more, as socket_action does when it notes a
// new deadline: each expiry is a call of its own, never a nested one.
TEST_F(UringCurlLoop, TimerNotedAgainDuringExpiryFiresAgain) {
  CurlTimer timer(loop_, &Seen::expired_cb, &seen_);
  static CurlTimer* current = nullptr;
  current = &timer;
  seen_.on_expired = [](Seen& seen) {
    if (seen.expired < 3) {
      current->note(seen.expired == 1 ? 0 : 5);  // inside "curl": noted only
      current->apply();                          // once "curl" returned
    }
  };
  timer.note(1);
  timer.apply();
  arm_guard();
  while (seen_.expired < 3 && !seen_.guard_fired) loop_.wait_and_dispatch();
  EXPECT_EQ(seen_.expired, 3);
  EXPECT_FALSE(seen_.guard_fired);
  timer.forget();
  loop_.cancel_all();
  EXPECT_TRUE(loop_.drain(5s));
}

// Moved earlier: the armed request is replaced, so the earlier deadline is
// met (long before the 10 s one, and before the 5 s guard).
TEST_F(UringCurlLoop, TimerMovedEarlierIsReplaced) {
  CurlTimer timer(loop_, &Seen::expired_cb, &seen_);
  timer.note(10'000);
  timer.apply();
  timer.note(20);
  timer.apply();
  turn_until([&] { return seen_.expired > 0; });
  EXPECT_EQ(seen_.expired, 1);
  EXPECT_FALSE(seen_.guard_fired);
  loop_.cancel_all();
  EXPECT_TRUE(loop_.drain(5s));
}

// Moved later: the earlier request stays armed and, when it ends, is armed
// again for the rest; curl is called once, and never before its deadline.
TEST_F(UringCurlLoop, TimerMovedLaterIsHonouredNeverEarly) {
  CurlTimer timer(loop_, &Seen::expired_cb, &seen_);
  timer.note(10);
  timer.apply();
  const auto asked = Clock::now();
  timer.note(150);
  timer.apply();
  EXPECT_EQ(loop_.live(), 1u);  // not replaced
  turn_until([&] { return seen_.expired > 0; });
  EXPECT_EQ(seen_.expired, 1);
  EXPECT_GE(Clock::now() - asked, 150ms);
  loop_.cancel_all();
  EXPECT_TRUE(loop_.drain(5s));
}

// -1: curl wants no call back; the request left armed ends unnoticed, and
// disarm() between batches leaves nothing in the kernel.
TEST_F(UringCurlLoop, TimerNoLongerWantedIsIgnoredAndDisarmed) {
  CurlTimer timer(loop_, &Seen::expired_cb, &seen_);
  timer.note(10);
  timer.apply();
  timer.note(-1);
  timer.apply();
  EXPECT_FALSE(timer.wanted());
  turn_until([&] { return loop_.live() == 1; });  // the 10 ms request ended; the guard is left
  EXPECT_FALSE(seen_.guard_fired);
  EXPECT_EQ(seen_.expired, 0);

  timer.note(10'000);
  timer.apply();
  EXPECT_EQ(loop_.live(), 1u);
  timer.disarm();
  EXPECT_FALSE(timer.wanted());
  EXPECT_EQ(loop_.live(), 0u);
  EXPECT_TRUE(loop_.drain(5s));
  EXPECT_EQ(loop_.in_kernel(), 0u);
  EXPECT_EQ(seen_.expired, 0);
}

}  // namespace
}  // namespace concur_test
