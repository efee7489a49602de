// SourceCache: least-recently-used eviction over a handful of batch descriptions.
#include "source_cache.hpp"

#include <algorithm>

namespace concur_fork {

concur::TaskSource* SourceCache::get(std::string_view description, std::string& error) {
  const auto hit = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.first == description; });
  if (hit != entries_.end()) {
    std::rotate(entries_.begin(), hit, hit + 1);  // move to the front
    return entries_.front().second.get();
  }
  // Evict before building: the evicted batch's inputs and the new ones need
  // not be in memory at the same time.
  if (entries_.size() >= capacity_) entries_.resize(capacity_ > 0 ? capacity_ - 1 : 0);
  std::unique_ptr<concur::TaskSource> source = host_.open(description, error);
  if (!source) {
    if (error.empty()) error = "the host could not open the batch";
    return nullptr;
  }
  entries_.emplace(entries_.begin(), std::string(description), std::move(source));
  return entries_.front().second.get();
}

}  // namespace concur_fork
