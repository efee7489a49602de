// run_task: runs one workload task to completion on the harness's real blocking Io, for workload tests.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>

#include "blocking_io.hpp"
#include "workload.hpp"

namespace concur {

inline Outcome run_task(const Workload& workload, std::size_t index, Io& io) {
  Task task = workload.run(index, io);
  task.start();
  EXPECT_TRUE(task.done());
  return task.take_outcome();
}

inline Outcome run_task(const Workload& workload, std::size_t index) {
  const std::unique_ptr<Io> io = make_blocking_io();
  return run_task(workload, index, *io);
}

}  // namespace concur
