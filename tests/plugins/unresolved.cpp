// Bad plugin: needs a symbol that nothing defines, so loading it with RTLD_NOW fails.
#include "minimal_strategy.hpp"

extern "C" int concur_test_symbol_nobody_defines();

namespace {

class Unresolved final : public concur_test::MinimalStrategy {
 public:
  Unresolved() : answer_(concur_test_symbol_nobody_defines()) {}

 private:
  int answer_;
};

}  // namespace

CONCUR_PLUGIN(Unresolved)
