#include "results/ideal_models.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <queue>

#include "server/faults.hpp"
#include "util/units.hpp"

namespace concur {
namespace {

// A duration parameter as context.groups writes it (nanoseconds), or as text ("100ms").
std::optional<double> param_seconds(const nlohmann::json& params, const char* key) {
  const auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>() / 1e9;
  if (it->is_string()) {
    try {
      return std::chrono::duration<double>(parse_duration(it->get<std::string>())).count();
    } catch (const std::invalid_argument&) {
    }
  }
  return std::nullopt;
}

}  // namespace

double list_schedule_makespan(const std::vector<double>& tasks, unsigned workers) {
  if (workers == 0) return 0;
  // (time free, worker): the top is the worker that frees first, the lowest numbered on a tie.
  using Slot = std::pair<double, unsigned>;
  std::priority_queue<Slot, std::vector<Slot>, std::greater<>> free_at;
  for (unsigned w = 0; w < workers; ++w) free_at.push({0.0, w});
  double makespan = 0;
  for (const double task : tasks) {
    auto [at, worker] = free_at.top();
    free_at.pop();
    at += task;
    makespan = std::max(makespan, at);
    free_at.push({at, worker});
  }
  return makespan;
}

IdealModel IdealModel::for_group(const std::string& workload, const GroupInfo* group, unsigned cores) {
  IdealModel m;
  m.cores_ = cores;
  if (workload == "rc4" || workload == "sha256") {
    if (cores == 0) return m;
    m.kind_ = Kind::cpu;
    m.description_ = "CPU work: ideal speedup min(workers, " + std::to_string(cores) +
                     " cores) over the reference's time";
    return m;
  }
  if (!group) return m;
  const nlohmann::json& p = group->params;
  if (workload == "loiter") {
    const std::optional<double> unit = param_seconds(p, "unit");
    const auto durations = p.find("durations");
    if (!unit || durations == p.end() || !durations->is_array()) return m;
    std::vector<double> once;
    for (const auto& n : *durations) {
      if (!n.is_number()) return m;
      once.push_back(n.get<double>() * *unit);
    }
    const auto repeat = p.find("repeat");
    const std::int64_t times = repeat != p.end() && repeat->is_number_integer() ? repeat->get<std::int64_t>() : 1;
    for (std::int64_t r = 0; r < times; ++r) m.loiter_tasks_.insert(m.loiter_tasks_.end(), once.begin(), once.end());
    m.kind_ = Kind::time;
    m.description_ = "loiter: makespan of the list schedule (tasks in submission order, each to the first free worker)";
    return m;
  }
  if (workload == "downloads") {
    const auto server = p.find("server");
    if (server == p.end() || !server->is_string() || *server != "delay" || !group->batch_tasks) return m;
    m.delay_ = std::chrono::duration<double>(profile_faults(Profile::delay).delay).count();
    m.downloads_ = *group->batch_tasks;
    m.kind_ = Kind::time;
    m.description_ = "downloads on the delay server: ceil(" + std::to_string(m.downloads_) + " requests / workers) x " +
                     format_seconds(m.delay_);
    return m;
  }
  return m;
}

std::optional<double> IdealModel::seconds(unsigned workers) const {
  if (kind_ != Kind::time || workers == 0) return std::nullopt;
  if (!loiter_tasks_.empty()) return list_schedule_makespan(loiter_tasks_, workers);
  return static_cast<double>((downloads_ + workers - 1) / workers) * delay_;
}

std::optional<double> IdealModel::scaling(unsigned workers) const {
  if (workers == 0) return std::nullopt;
  if (kind_ == Kind::cpu) return std::min(workers, cores_);
  const std::optional<double> one = seconds(1), many = seconds(workers);
  if (!one || !many || *many <= 0) return std::nullopt;
  return *one / *many;
}

std::optional<double> IdealModel::ideal_time(unsigned workers, double reference_seconds,
                                             unsigned reference_workers) const {
  if (kind_ == Kind::time) return seconds(workers);
  const std::optional<double> from = scaling(reference_workers), to = scaling(workers);
  if (!from || !to || reference_seconds <= 0) return std::nullopt;
  return reference_seconds * *from / *to;
}

}  // namespace concur
