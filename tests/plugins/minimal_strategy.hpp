// A strategy that runs nothing, for bad test plugins that differ from a good one in a single detail.
#pragma once

#include "concur/concur.hpp"

namespace concur_test {

class MinimalStrategy : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "minimal"; }
  std::string_view version() const noexcept override { return "0.0.0"; }
  std::string_view description() const noexcept override { return "test plugin"; }
  concur::RunReport run(concur::Batch&, const concur::RunOptions&) noexcept override {
    return {false, "a test plugin runs nothing", {}};
  }
};

}  // namespace concur_test
