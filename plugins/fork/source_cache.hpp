// SourceCache: the fork server's few most recently used batches, their inputs already built.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concur/host.hpp"

namespace concur_fork {

// Building inputs (hundreds of MiB of random data) is what prepare() moves out
// of the timed batches; a suite alternates between its entries' cases, so a
// few batches are kept, not just the last one. Workers forked from the server
// share the built inputs copy-on-write.
class SourceCache {
 public:
  SourceCache(const concur::Host& host, std::size_t capacity) : host_(host), capacity_(capacity) {}

  // The source for `description`, opened now if it is not cached. Returns
  // null and sets `error` when the host cannot open it.
  concur::TaskSource* get(std::string_view description, std::string& error);

 private:
  const concur::Host& host_;
  const std::size_t capacity_;
  std::vector<std::pair<std::string, std::unique_ptr<concur::TaskSource>>> entries_;  // most recent first
};

}  // namespace concur_fork
