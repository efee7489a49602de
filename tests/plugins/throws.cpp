// Bad plugin: its strategy's constructor throws; the factory must turn that into a message, not an exception.
#include <stdexcept>

#include "minimal_strategy.hpp"

namespace {

class Throws final : public concur_test::MinimalStrategy {
 public:
  Throws() { throw std::runtime_error("config file missing"); }
};

}  // namespace

CONCUR_PLUGIN(Throws)
