// Good test plugin that the dynamic linker can really unload, so a test can tell whether a strategy keeps its library mapped.
//
// The real plugins call std::to_string, whose libstdc++ internals are
// STB_GNU_UNIQUE symbols; glibc never unloads a library that binds one, which
// would hide an early dlclose (DESIGN pitfall 1). This one uses nothing like
// that and is built with -fno-gnu-unique.
#include "concur/concur.hpp"

namespace {

class Unloadable final : public concur::Strategy {
 public:
  std::string_view name() const noexcept override { return "unloadable"; }
  std::string_view version() const noexcept override { return "1.0.0"; }
  std::string_view description() const noexcept override { return "test plugin: runs tasks in order"; }
  unsigned max_workers() const noexcept override { return 1; }

  concur::RunReport run(concur::Batch& batch, const concur::RunOptions&) noexcept override {
    try {
      const auto io = batch.blocking_io();
      for (std::size_t index = 0; index < batch.size(); ++index) {
        concur::Task task = batch.task(index, *io, 0);
        task.start();
        if (!task.done()) return {false, "task suspended", {}};
      }
      return {};
    } catch (...) {
      return {false, "blocking_io failed", {}};
    }
  }
};

}  // namespace

CONCUR_PLUGIN(Unloadable)
