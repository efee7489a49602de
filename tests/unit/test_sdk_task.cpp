// Task coroutine semantics: lazy start, outcome, exceptions become error outcomes, nesting.
#include <gtest/gtest.h>

#include <stdexcept>

#include "concur/task.hpp"

namespace concur {
namespace {

Task returns(std::int64_t v) {
  Outcome o;
  o.value = v;
  co_return o;
}

Task throws() {
  throw std::runtime_error("boom");
  co_return Outcome{};
}

Task nested() {
  Outcome inner = co_await returns(21);
  inner.value *= 2;
  co_return inner;
}

TEST(Task, IsLazyAndProducesItsOutcome) {
  Task t = returns(7);
  EXPECT_FALSE(t.done());
  t.start();
  ASSERT_TRUE(t.done());
  EXPECT_EQ(t.outcome().status, Status::ok);
  EXPECT_EQ(t.outcome().value, 7);
}

TEST(Task, ExceptionBecomesErrorOutcome) {
  Task t = throws();
  t.start();
  ASSERT_TRUE(t.done());
  EXPECT_EQ(t.outcome().status, Status::error);
  EXPECT_EQ(t.outcome().message, "boom");
}

TEST(Task, AwaitsNestedTask) {
  Task t = nested();
  t.start();
  ASSERT_TRUE(t.done());
  EXPECT_EQ(t.outcome().value, 42);
}

TEST(Task, DoneCallbackRunsOnceAtCompletion) {
  int calls = 0;
  Task t = returns(1);
  t.start([](void* c) noexcept { ++*static_cast<int*>(c); }, &calls);
  EXPECT_TRUE(t.done());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace concur
