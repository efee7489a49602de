// Bad plugin: an option whose default its own range refuses, which every suite leaving it out would trip on.
#include <span>

#include "minimal_strategy.hpp"

namespace {

class BadDefault final : public concur_test::MinimalStrategy {
 public:
  std::span<const concur::Option> options() const noexcept override { return declared_; }

 private:
  const concur::Option declared_[1] = {concur::Option::integer("depth", 0, 1, 8, "requests queued per worker")};
};

}  // namespace

CONCUR_PLUGIN(BadDefault)
