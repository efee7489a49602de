#include "host/host_services.hpp"

#include <unistd.h>


#include <nlohmann/json.hpp>

#include "host/task_source.hpp"
#include "workloads/shared_inputs.hpp"

namespace concur {
namespace {

using nlohmann::json;

class HostServices final : public Host {
 public:
  explicit HostServices(bool will_run) : will_run_(will_run), concur_pid_(::getpid()) {
    // Made now, before any plugin can fork: forked processes inherit both.
    shared_inputs_fd();
    prepare_record_key();
  }

  std::unique_ptr<TaskSource> open(std::string_view description, std::string& error) const noexcept override {
    try {
      if (::getpid() == concur_pid_) {
        error = "Host::open works only in a process forked from concur, not in concur's own";
        return nullptr;
      }
      MappedInputStore inputs(input_placement(description));
      return rebuild_tasks(description, inputs);
    } catch (const std::exception& e) {
      error = std::string("cannot rebuild the batch: ") + e.what();
      return nullptr;
    }
  }

  bool will_run() const noexcept override { return will_run_; }

 private:
  const bool will_run_;
  const pid_t concur_pid_;
};

}  // namespace

const Host& host_services(bool will_run) {
  static const HostServices running(true);
  static const HostServices listing(false);
  return will_run ? static_cast<const Host&>(running) : listing;
}

BuiltEntry build_entry(const WorkloadEntry& entry, std::uint64_t seed) {
  SharedInputStore inputs;
  BuiltEntry built;
  built.workload = find_workload_type(entry.workload)->create(entry.params, seed, inputs);
  json params = json::object();
  for (const auto& [key, value] : entry.params.all()) {
    std::visit([&, &k = key](const auto& v) { params[k] = v; }, value);
  }
  json doc{{"workload", entry.workload}, {"params", params}, {"seed", seed}};
  if (const std::optional<InputPlacement>& p = inputs.placement(); p && p->bytes > 0) {
    doc["inputs"] = {{"fd", p->fd}, {"offset", p->offset}, {"bytes", p->bytes}};
  }
  built.description = doc.dump();
  built.id = batch_id(built.description);
  return built;
}

}  // namespace concur
