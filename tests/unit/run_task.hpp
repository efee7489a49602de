// Workload test helpers: a private input store, and one task run to completion on the harness's real blocking Io.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>

#include "util/blocking_io.hpp"
#include "workloads/workload.hpp"

namespace concur {

// Where test workloads put their inputs: private memory, shared with no one.
inline InputStore& inputs() {
  static PrivateInputStore store;  // stateless
  return store;
}

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
