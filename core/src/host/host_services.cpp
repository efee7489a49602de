#include "host/host_services.hpp"

#include <unistd.h>

#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

#include "util/blocking_io.hpp"
#include "workloads/shared_inputs.hpp"

namespace concur {
namespace {

using nlohmann::json;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The tasks of a workload rebuilt in another process; each task seals its record.
class WorkloadTaskSource final : public TaskSource {
 public:
  WorkloadTaskSource(std::unique_ptr<Workload> workload, const BatchId& batch)
      : workload_(std::move(workload)), batch_(batch) {}

  std::size_t size() const noexcept override { return workload_->size(); }

  Task task(std::size_t index, Io& io, unsigned worker, std::string& record) noexcept override {
    return run(index, io, worker, record);
  }

  std::unique_ptr<Io> blocking_io() override { return make_blocking_io(); }

 private:
  Task run(std::size_t index, Io& io, unsigned worker, std::string& record) {
    RemoteRecord r;
    r.index = index;
    r.worker = worker;
    r.start_ns = steady_ns();
    // Not a ?: with co_await in one arm: g++ 12 miscompiles that (the
    // outcome's string then points into the frame and is freed twice).
    Outcome outcome;
    if (index < workload_->size()) {
      outcome = co_await workload_->run(index, io);
    } else {
      outcome = Outcome::error("no task " + std::to_string(index) + " in this batch");
    }
    r.end_ns = steady_ns();
    r.outcome = outcome;
    record = seal(std::move(r), batch_);
    co_return outcome;
  }

  std::unique_ptr<Workload> workload_;
  const BatchId batch_;
};

std::optional<InputPlacement> placement_in(const json& doc) {
  if (!doc.contains("inputs")) return std::nullopt;
  const json& in = doc.at("inputs");
  return InputPlacement{in.at("fd").get<int>(), in.at("offset").get<std::uint64_t>(), in.at("bytes").get<std::uint64_t>()};
}

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
      const json doc = json::parse(description);
      const std::string name = doc.at("workload").get<std::string>();
      const WorkloadType* type = find_workload_type(name);
      if (!type) {
        error = "unknown workload '" + name + "'";
        return nullptr;
      }
      Params params;
      const json& given = doc.at("params");
      for (const ParamSpec& spec : type->params) {
        const json& value = given.at(spec.name);
        switch (spec.kind) {
          case ParamKind::integer:
          case ParamKind::size:
          case ParamKind::duration: params.set(spec.name, value.get<std::int64_t>()); break;
          case ParamKind::integer_list: params.set(spec.name, value.get<std::vector<std::int64_t>>()); break;
          case ParamKind::text: params.set(spec.name, value.get<std::string>()); break;
          case ParamKind::words: params.set(spec.name, value.get<std::vector<std::string>>()); break;
        }
      }
      MappedInputStore inputs(placement_in(doc));
      return std::make_unique<WorkloadTaskSource>(type->create(params, doc.at("seed").get<std::uint64_t>(), inputs),
                                                  batch_id(description));
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
