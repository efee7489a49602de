// Bad plugin: a strategy with an empty name, which no suite could select.
#include "minimal_strategy.hpp"

namespace {

class EmptyName final : public concur_test::MinimalStrategy {
 public:
  std::string_view name() const noexcept override { return ""; }
};

}  // namespace

CONCUR_PLUGIN(EmptyName)
