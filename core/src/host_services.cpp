#include "host_services.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "blocking_io.hpp"

namespace concur {
namespace {

using nlohmann::json;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The tasks of a workload rebuilt in another process; each task fills its report.
class WorkloadTaskSource final : public TaskSource {
 public:
  explicit WorkloadTaskSource(std::unique_ptr<Workload> workload) : workload_(std::move(workload)) {}

  std::size_t size() const noexcept override { return workload_->size(); }

  Task task(std::size_t index, Io& io, unsigned worker, TaskReport& report) noexcept override {
    return run(index, io, worker, report);
  }

  std::unique_ptr<Io> blocking_io() override { return make_blocking_io(); }

 private:
  Task run(std::size_t index, Io& io, unsigned worker, TaskReport& report) {
    report.index = index;
    report.worker = worker;
    report.start_ns = steady_ns();
    // Not a ?: with co_await in one arm: g++ 12 miscompiles that (the
    // outcome's string then points into the frame and is freed twice).
    Outcome outcome;
    if (index < workload_->size()) {
      outcome = co_await workload_->run(index, io);
    } else {
      outcome = Outcome::error("no task " + std::to_string(index) + " in this batch");
    }
    report.end_ns = steady_ns();
    report.outcome = outcome;
    co_return outcome;
  }

  std::unique_ptr<Workload> workload_;
};

class HostServices final : public Host {
 public:
  std::unique_ptr<TaskSource> open(std::string_view description, std::string& error) const noexcept override {
    try {
      const json doc = json::parse(description);
      const std::string name = doc.at("workload").get<std::string>();
      const WorkloadType* type = find_workload_type(name);
      if (!type) {
        error = "unknown workload '" + name + "'";
        return nullptr;
      }
      Params params;
      for (const auto& [key, value] : doc.at("params").items()) {
        if (value.is_array()) params.set(key, value.get<std::vector<std::int64_t>>());
        else if (value.is_string()) params.set(key, value.get<std::string>());
        else params.set(key, value.get<std::int64_t>());
      }
      return std::make_unique<WorkloadTaskSource>(type->create(params, doc.at("seed").get<std::uint64_t>()));
    } catch (const std::exception& e) {
      error = std::string("cannot rebuild the batch: ") + e.what();
      return nullptr;
    }
  }
};

}  // namespace

const Host& host_services() {
  static const HostServices host;
  return host;
}

std::string describe_entry(const WorkloadEntry& entry, std::uint64_t seed) {
  json params = json::object();
  for (const auto& [key, value] : entry.params.all()) {
    std::visit([&, &k = key](const auto& v) { params[k] = v; }, value);
  }
  return json{{"workload", entry.workload}, {"params", params}, {"seed", seed}}.dump();
}

}  // namespace concur
