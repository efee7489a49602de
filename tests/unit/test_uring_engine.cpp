// The uring plugin's ring, event loop and engine driven directly: refused submits, the shared ring shape, batches on one engine.
#include <gtest/gtest.h>
#include <liburing.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "concur/batch.hpp"
#include "concur/io.hpp"
#include "concur/strategy.hpp"
#include "concur/task.hpp"
#include "uring/batch_runner.hpp"
#include "uring/engine.hpp"
#include "uring/engine_config.hpp"
#include "uring/event_loop.hpp"
#include "uring/ring.hpp"
#include "uring/ring_shape.hpp"
#include "uring/setup_failure.hpp"

namespace concur_test {
namespace {

using namespace std::chrono_literals;
using concur_uring::BatchRunner;
using concur_uring::Completion;
using concur_uring::Engine;
using concur_uring::EngineConfig;
using concur_uring::EventLoop;
using concur_uring::Ring;
using concur_uring::ring_shape;
using concur_uring::RingShape;

// --- a submit function that refuses on cue ---------------------------------

// Stands in for io_uring_submit_and_wait. Once armed, it refuses the first
// submit made without waiting while the CQ holds a completion, without
// submitting anything: what kernels 5.5 to 5.10 do (-EBUSY) while a CQ
// overflow backlog exists, met on the SQ-full path (Ring::get_sqe). Every
// call's wait_nr is recorded. Only the thread running the ring calls it.
struct Refusals {
  static inline int error = 0;  // errno to refuse with once; 0 when disarmed
  static inline int refused = 0;
  static inline std::vector<unsigned> waits;  // wait_nr of every call

  static void arm(int e) {
    error = e;
    refused = 0;
    waits.clear();
  }
  static void reset() { arm(0); }
};

int refusing_submit(io_uring* ring, unsigned wait_nr) {
  Refusals::waits.push_back(wait_nr);
  if (Refusals::error != 0 && wait_nr == 0 && io_uring_cq_ready(ring) > 0) {
    ++Refusals::refused;
    return -std::exchange(Refusals::error, 0);
  }
  return io_uring_submit_and_wait(ring, wait_nr);
}

std::string errno_name(const ::testing::TestParamInfo<int>& info) { return info.param == EBUSY ? "EBUSY" : "EAGAIN"; }

// --- raw requests ----------------------------------------------------------

// A NOP completes as it is submitted: its completion is in the CQ when
// io_uring_enter returns.
void queue_nop(Ring& ring, std::uint64_t user_data) {
  io_uring_sqe& sqe = ring.get_sqe();
  io_uring_prep_nop(&sqe);
  io_uring_sqe_set_data64(&sqe, user_data);
}

// The kernel copies `ts` at submission; it must live until then.
void queue_timeout(Ring& ring, std::uint64_t user_data, __kernel_timespec& ts) {
  io_uring_sqe& sqe = ring.get_sqe();
  io_uring_prep_timeout(&sqe, &ts, 0, 0);
  io_uring_sqe_set_data64(&sqe, user_data);
}

std::vector<std::uint64_t> reap_user_data(Ring& ring) {
  std::vector<Completion> completions;
  ring.reap(completions);
  std::vector<std::uint64_t> out;
  for (const Completion& c : completions) out.push_back(c.user_data);
  return out;
}

// Records the contexts of the completions the loop hands it, in order.
class Recorder final : public concur_uring::CompletionHandler {
 public:
  void on_completion(void* context, int, std::uint32_t) override {
    order.push_back(reinterpret_cast<std::uintptr_t>(context));
  }
  std::vector<std::uintptr_t> order;
};

void* context(std::uintptr_t id) { return reinterpret_cast<void*>(id); }

// --- a batch of coroutine bodies -------------------------------------------

// A Batch whose every task is one coroutine function of its index; records
// completion order, end times (since construction) and the helper threads
// compute ran on.
class BodyBatch final : public concur::Batch {
 public:
  using Body = concur::Task (*)(std::size_t index, concur::Io& io, BodyBatch& batch);

  BodyBatch(std::size_t size, Body body) : body_(body), size_(size), ends_(size, -1ns), started_(size, 0) {}

  std::size_t size() const noexcept override { return size_; }
  concur::Task task(std::size_t index, concur::Io& io, unsigned) noexcept override {
    if (index == gap) return {};  // a broken batch
    return recorded(index, io);
  }
  std::unique_ptr<concur::Io> blocking_io() override { throw std::logic_error("the uring engine needs no blocking Io"); }
  std::string description() const override { return "{}"; }
  void record(std::string_view) noexcept override {}
  void fail(std::size_t, unsigned, std::int64_t, std::string_view) noexcept override {}

  void note_helper() {
    const std::lock_guard lock(mutex_);
    helpers_.insert(::gettid());
  }

  static constexpr std::size_t no_gap = static_cast<std::size_t>(-1);
  std::size_t gap = no_gap;  // index for which task() returns no task
  const Ring* ring = nullptr;  // the engine's, for tasks that watch it
  int destroyed = 0;         // task frames destroyed before they finished

  const std::vector<std::size_t>& order() const { return order_; }
  std::chrono::nanoseconds end(std::size_t index) const { return ends_.at(index); }
  int started(std::size_t index) const { return started_.at(index); }
  std::set<pid_t> helpers() const {
    const std::lock_guard lock(mutex_);
    return helpers_;
  }

 private:
  // Counts a frame destroyed while its task had not finished.
  struct Unfinished {
    BodyBatch& batch;
    bool finished = false;
    ~Unfinished() {
      if (!finished) ++batch.destroyed;
    }
  };

  concur::Task recorded(std::size_t index, concur::Io& io) {
    Unfinished guard{*this};
    ++started_[index];
    concur::Outcome outcome = co_await body_(index, io, *this);
    guard.finished = true;
    order_.push_back(index);
    ends_[index] = std::chrono::steady_clock::now() - created_;
    co_return outcome;
  }

  Body body_;
  std::size_t size_;
  const std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
  std::vector<std::size_t> order_;
  std::vector<std::chrono::nanoseconds> ends_;
  std::vector<int> started_;
  mutable std::mutex mutex_;
  std::set<pid_t> helpers_;  // guarded by mutex_
};

// Threads of this process, as the kernel lists them.
std::size_t thread_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// --- the ring shape shared by runs and the probe ---------------------------

TEST(UringRingShape, CqHoldsEveryLaneTwiceAndNeverLessThanTwiceTheSq) {
  EXPECT_EQ(ring_shape(1, 4096), (RingShape{4096, 8192}));
  EXPECT_EQ(ring_shape(4033, 4096), (RingShape{4096, 16384}));
  EXPECT_EQ(ring_shape(100, 4), (RingShape{4, 512}));
  EXPECT_EQ(ring_shape(1, 1), (RingShape{1, 256}));
  EXPECT_EQ(ring_shape(1u << 30, 4096).cq_entries, 1u << 20);  // asked for; the kernel clamps
}

// The probe sets up default_ring_shape() through setup_ring(); this is the
// ring every run with the default options (up to 4032 tasks in flight) makes.
TEST(UringRingShape, ProbeSetsUpTheRingOfADefaultRun) {
  for (const unsigned workers : {1u, 64u, 4032u}) {
    concur::RunOptions options;
    options.workers = workers;
    const EngineConfig config = concur_uring::engine_config(options, 10000);
    EXPECT_EQ(config.ring_entries, concur_uring::default_ring_entries);
    EXPECT_EQ(ring_shape(config.lanes, config.ring_entries), concur_uring::default_ring_shape()) << workers;
  }
  io_uring raw{};
  ASSERT_EQ(concur_uring::setup_ring(raw, concur_uring::default_ring_shape()), 0);
  const unsigned probe_sq = raw.sq.ring_entries, probe_cq = raw.cq.ring_entries;
  io_uring_queue_exit(&raw);

  concur::RunOptions options;
  options.options["offload_threads"] = "1";
  Engine engine(concur_uring::engine_config(options, 10));
  EXPECT_EQ(engine.ring().sq_entries(), probe_sq);
  EXPECT_EQ(engine.ring().cq_entries(), probe_cq);
  EXPECT_EQ(probe_sq, 4096u);
  EXPECT_EQ(probe_cq, 8192u);
}

TEST(UringSetupFailure, NamesTheRingTheErrnoAndTheLikelyCause) {
  const RingShape shape = concur_uring::default_ring_shape();
  const std::string nomem = concur_uring::setup_failure(ENOMEM, shape);
  EXPECT_NE(nomem.find("io_uring_setup failed for a ring of 4096 SQ and 8192 CQ entries"), std::string::npos) << nomem;
  EXPECT_NE(nomem.find(std::strerror(ENOMEM)), std::string::npos) << nomem;
  EXPECT_NE(nomem.find("ulimit -l"), std::string::npos) << nomem;
  EXPECT_NE(concur_uring::setup_failure(ENOSYS, shape).find("CONFIG_IO_URING"), std::string::npos);
  std::string disabled;
  std::getline(std::ifstream("/proc/sys/kernel/io_uring_disabled"), disabled);
  if (disabled.empty() || disabled == "0") {  // otherwise the sysctl is named instead
    const std::string perm = concur_uring::setup_failure(EPERM, shape);
    EXPECT_NE(perm.find("seccomp"), std::string::npos) << perm;
  }
}

// --- refused submits: set-aside completions come first ---------------------

class UringRefusedSubmit : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { Refusals::reset(); }
  void TearDown() override { Refusals::reset(); }
};

// A refused submit on the SQ-full path sets the CQ's completions aside; the
// kernel knows nothing of them, so a waiting submit would block for a new
// one (here: 10 s timeouts). The ring must only submit.
TEST_P(UringRefusedSubmit, RingDoesNotWaitWhileItHoldsSetAsideCompletions) {
  Ring ring(ring_shape(4, 2), &refusing_submit);
  ASSERT_EQ(ring.sq_entries(), 2u);
  queue_nop(ring, 1);
  ring.submit(false);
  ASSERT_TRUE(ring.has_completions());

  __kernel_timespec ten_seconds{};
  ten_seconds.tv_sec = 10;
  queue_timeout(ring, 2, ten_seconds);
  queue_timeout(ring, 3, ten_seconds);  // the SQ is full
  Refusals::arm(GetParam());
  queue_timeout(ring, 4, ten_seconds);  // making room is refused, then retried
  ASSERT_EQ(Refusals::refused, 1);
  EXPECT_TRUE(ring.has_completions());  // set aside

  const auto before = std::chrono::steady_clock::now();
  ring.submit(true);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  for (const unsigned wait_nr : Refusals::waits) EXPECT_EQ(wait_nr, 0u) << "entered the kernel to wait";
  EXPECT_EQ(reap_user_data(ring), (std::vector<std::uint64_t>{1}));
}

// The same through the event loop: one turn dispatches the set-aside
// completion and returns, long before any of the timeouts ends.
TEST_P(UringRefusedSubmit, LoopDispatchesSetAsideCompletionsBeforeWaiting) {
  Ring ring(ring_shape(4, 2), &refusing_submit);
  EventLoop loop(ring);
  Recorder recorder;
  const auto nop = [](io_uring_sqe& sqe, __kernel_timespec&) { io_uring_prep_nop(&sqe); };
  const auto ten_seconds = [](io_uring_sqe& sqe, __kernel_timespec& ts) {
    ts.tv_sec = 10;
    ts.tv_nsec = 0;
    io_uring_prep_timeout(&sqe, &ts, 0, 0);
  };
  loop.start(recorder, context(1), nop);
  ring.submit(false);  // the NOP completes into the CQ
  loop.start(recorder, context(2), ten_seconds);
  loop.start(recorder, context(3), ten_seconds);  // the SQ is full
  Refusals::arm(GetParam());
  loop.start(recorder, context(4), ten_seconds);  // the NOP's completion is set aside
  ASSERT_EQ(Refusals::refused, 1);

  const auto before = std::chrono::steady_clock::now();
  loop.wait_and_dispatch();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  EXPECT_EQ(recorder.order, (std::vector<std::uintptr_t>{1}));
  EXPECT_EQ(loop.in_kernel(), 3u);

  loop.cancel_all();
  EXPECT_TRUE(loop.drain(5s));
  EXPECT_EQ(loop.in_kernel(), 0u);
}

// A whole batch (SQ of one entry, three lanes): A sleeps 1 ms; X's sleep
// needs A's SQE submitted; Y blocks the loop thread until A's completion is
// in the CQ, then needs room in the full SQ, and that submit is refused. A
// must end in about its own time, so that C (started in A's lane) ends long
// before X and Y's 2 s sleeps; before the fix, A ended with X's timeout.
concur::Task refused_scenario(std::size_t index, concur::Io& io, BodyBatch& batch) {
  switch (index) {
    case 0: co_await io.sleep_for(1ms); break;  // A
    case 1: co_await io.sleep_for(2s); break;   // X
    case 2:                                     // Y
      for (const auto give_up = std::chrono::steady_clock::now() + 10s;
           !batch.ring->has_completions() && std::chrono::steady_clock::now() < give_up;) {
        std::this_thread::sleep_for(1ms);
      }
      co_await io.sleep_for(2s);
      break;
    default: co_await io.sleep_for(1ms); break;  // C
  }
  co_return concur::Outcome{};
}

TEST_P(UringRefusedSubmit, ShortSleepEndsInItsOwnTimeNotWithALaterTimeout) {
  EngineConfig config;
  config.lanes = 3;
  config.offload_threads = 1;
  config.ring_entries = 1;
  config.submit = &refusing_submit;
  Engine engine(config);
  ASSERT_EQ(engine.ring().sq_entries(), 1u);
  BodyBatch batch(4, refused_scenario);
  batch.ring = &engine.ring();
  Refusals::arm(GetParam());
  {
    BatchRunner runner(engine, batch, 3);
    runner.run();
  }
  ASSERT_EQ(Refusals::refused, 1) << "the scenario did not meet a refused submit with a completion in the CQ";
  ASSERT_EQ(batch.order().size(), 4u);
  EXPECT_EQ(batch.order()[0], 0u);
  EXPECT_EQ(batch.order()[1], 3u) << "C ended after a 2 s sleep: A's completion waited for a later one";
  EXPECT_LT(batch.end(0), 1s);  // about 1 ms; the next timeout ends after 2 s
  EXPECT_EQ(engine.leftovers(), "");
}

INSTANTIATE_TEST_SUITE_P(Uring, UringRefusedSubmit, ::testing::Values(EBUSY, EAGAIN), errno_name);

// Completions already in the CQ count too: no waiting enter then either.
TEST(UringRing, DoesNotWaitWhileTheCqHoldsACompletion) {
  Refusals::reset();
  Ring ring(ring_shape(4, 4), &refusing_submit);
  __kernel_timespec ten_seconds{};
  ten_seconds.tv_sec = 10;
  queue_timeout(ring, 2, ten_seconds);
  queue_nop(ring, 1);
  ring.submit(false);
  Refusals::waits.clear();
  ring.submit(true);
  EXPECT_EQ(Refusals::waits, (std::vector<unsigned>{0}));
  EXPECT_EQ(reap_user_data(ring), (std::vector<std::uint64_t>{1}));
}

// With nothing at hand it does wait, in one enter.
TEST(UringRing, WaitsWhenNothingIsAtHand) {
  Refusals::reset();
  Ring ring(ring_shape(4, 4), &refusing_submit);
  __kernel_timespec one_ms{};
  one_ms.tv_nsec = 1'000'000;
  queue_timeout(ring, 7, one_ms);
  ring.submit(true);
  EXPECT_EQ(Refusals::waits, (std::vector<unsigned>{1}));
  EXPECT_EQ(reap_user_data(ring), (std::vector<std::uint64_t>{7}));
}

// --- one engine, several batches -------------------------------------------

concur::Task compute_then_sleep(std::size_t index, concur::Io& io, BodyBatch& batch) {
  std::uint64_t value = index;
  co_await io.compute([&] {
    batch.note_helper();
    value *= 3;
  });
  co_await io.sleep_for(1ms);
  concur::Outcome outcome;
  outcome.value = static_cast<std::int64_t>(value);
  co_return outcome;
}

TEST(UringEngine, StartsHelperThreadsOnceAndIsIdleAfterEveryBatch) {
  std::thread([] {}).join();  // ThreadSanitizer starts its own thread with the first one: count it in `before`
  const std::size_t threads_before = thread_count();
  EngineConfig config;
  config.lanes = 4;
  config.offload_threads = 2;
  Engine engine(config);
  const std::size_t threads_started = thread_count();
  EXPECT_EQ(threads_started, threads_before + 2);  // at once, before any compute
  EXPECT_EQ(engine.counters().at("offload_threads"), 2.0);
  EXPECT_EQ(engine.leftovers(), "");

  std::set<pid_t> helpers;
  for (int repetition = 0; repetition < 3; ++repetition) {
    BodyBatch batch(12, compute_then_sleep);
    BatchRunner runner(engine, batch, 4);
    runner.run();
    EXPECT_EQ(batch.order().size(), 12u);
    for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(batch.started(i), 1) << "task " << i;
    EXPECT_EQ(runner.counters().at("loop_peak_in_flight"), 4.0);
    EXPECT_GE(runner.counters().at("submissions"), 1.0);
    EXPECT_EQ(engine.leftovers(), "");
    EXPECT_EQ(engine.loop().in_kernel(), 0u);
    EXPECT_EQ(engine.io().outstanding(), 0u);
    EXPECT_EQ(thread_count(), threads_started);
    const std::set<pid_t> used = batch.helpers();
    helpers.insert(used.begin(), used.end());
  }
  // Threads started per batch would have new ids: at least one a batch.
  EXPECT_LE(helpers.size(), 2u);
  EXPECT_GE(helpers.size(), 1u);
}

// Counted per batch, not since start().
TEST(UringEngine, SubmissionsAreCountedPerBatch) {
  EngineConfig config;
  config.lanes = 1;
  config.offload_threads = 1;
  Engine engine(config);
  for (int repetition = 0; repetition < 3; ++repetition) {
    BodyBatch batch(5, compute_then_sleep);
    BatchRunner runner(engine, batch, 1);
    runner.run();
    // Five tasks one at a time: each sleep and each eventfd poll waits in
    // its own enter, so a batch makes at least 5 and nowhere near 3 x 5 x 2.
    EXPECT_GE(runner.counters().at("submissions"), 5.0);
    EXPECT_LE(runner.counters().at("submissions"), 25.0);
  }
}

concur::Task sleep_long(std::size_t, concur::Io& io, BodyBatch&) {
  co_await io.sleep_for(30s);
  co_return concur::Outcome{};
}

// A failed batch shuts the engine down before its unfinished tasks are
// destroyed (not resumed), and the engine refuses further batches.
TEST(UringEngine, FailedBatchShutsTheEngineDown) {
  EngineConfig config;
  config.lanes = 4;
  config.offload_threads = 1;
  Engine engine(config);
  BodyBatch batch(4, sleep_long);
  batch.gap = 2;
  const auto before = std::chrono::steady_clock::now();
  try {
    BatchRunner runner(engine, batch, 4);
    runner.run();
    FAIL() << "a batch without task 2 ran";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no task for index 2"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - before, 10s);  // the 30 s sleeps were cancelled
  EXPECT_TRUE(engine.is_shut_down());
  EXPECT_EQ(batch.destroyed, 2);  // tasks 0 and 1, suspended in their sleeps
  EXPECT_TRUE(batch.order().empty());
  EXPECT_EQ(engine.loop().in_kernel(), 0u);  // cancelled and drained

  BodyBatch next(2, compute_then_sleep);
  EXPECT_THROW(BatchRunner(engine, next, 2), std::logic_error);
  EXPECT_EQ(next.started(0), 0);
}

}  // namespace
}  // namespace concur_test
