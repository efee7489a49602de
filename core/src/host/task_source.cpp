#include "host/task_source.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "host/sealed_record.hpp"
#include "util/blocking_io.hpp"
#include "workloads/workload.hpp"

namespace concur {
namespace {

using nlohmann::json;

// The tasks of a workload rebuilt in another process; each task seals its record.
class WorkloadTaskSource final : public TaskSource {
 public:
  WorkloadTaskSource(std::unique_ptr<Workload> workload, const BatchId& batch, std::int64_t clock_offset_ns)
      : workload_(std::move(workload)), batch_(batch), clock_offset_ns_(clock_offset_ns) {}

  std::size_t size() const noexcept override { return workload_->size(); }

  Task task(std::size_t index, Io& io, unsigned worker, std::string& record) noexcept override {
    return run(index, io, worker, record);
  }

  std::unique_ptr<Io> blocking_io() override { return make_blocking_io(); }

 private:
  std::int64_t now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
               .count() +
           clock_offset_ns_;
  }

  Task run(std::size_t index, Io& io, unsigned worker, std::string& record) {
    RemoteRecord r;
    r.index = index;
    r.worker = worker;
    r.start_ns = now_ns();
    // Not a ?: with co_await in one arm: g++ 12 miscompiles that (the
    // outcome's string then points into the frame and is freed twice).
    Outcome outcome;
    if (index < workload_->size()) {
      outcome = co_await workload_->run(index, io);
    } else {
      outcome = Outcome::error("no task " + std::to_string(index) + " in this batch");
    }
    r.end_ns = now_ns();
    r.outcome = outcome;
    record = seal(std::move(r), batch_);
    co_return outcome;
  }

  std::unique_ptr<Workload> workload_;
  const BatchId batch_;
  const std::int64_t clock_offset_ns_;
};

}  // namespace

std::unique_ptr<TaskSource> rebuild_tasks(std::string_view description, InputStore& inputs,
                                          std::int64_t clock_offset_ns) {
  const json doc = json::parse(description);
  const std::string name = doc.at("workload").get<std::string>();
  const WorkloadType* type = find_workload_type(name);
  if (!type) throw std::runtime_error("unknown workload '" + name + "'");
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
  return std::make_unique<WorkloadTaskSource>(type->create(params, doc.at("seed").get<std::uint64_t>(), inputs),
                                              batch_id(description), clock_offset_ns);
}

std::optional<InputPlacement> input_placement(std::string_view description) {
  const json doc = json::parse(description);
  if (!doc.contains("inputs")) return std::nullopt;
  const json& in = doc.at("inputs");
  return InputPlacement{in.at("fd").get<int>(), in.at("offset").get<std::uint64_t>(), in.at("bytes").get<std::uint64_t>()};
}

}  // namespace concur
