// The sha256 workload: each task hashes its own random buffer, streamed; verification hashes it again in one shot.
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/outcome_text.hpp"
#include "util/sha256_hex.hpp"
#include "util/units.hpp"
#include "workloads/factories.hpp"
#include "workloads/random_data.hpp"

namespace concur {
namespace {

class Sha256Workload final : public Workload {
 public:
  Sha256Workload(const Params& params, std::uint64_t seed, InputStore& store)
      : inputs_(store, "sha256", seed, buffer_sizes(params)), size_(static_cast<std::uint64_t>(params.integer("size"))) {
    sha256_hex_streamed({});  // fail at load time if OpenSSL cannot provide SHA-256
  }

  std::size_t size() const override { return inputs_.size(); }

  std::string label(std::size_t index) const override { return "sha256(" + std::to_string(index) + ")"; }

  std::string start_message(std::size_t index) const override {
    return "hashing " + format_size(inputs_[index].size()) + "...";
  }

  Task run(std::size_t index, Io& io) const override {
    const std::span<const std::uint8_t> data = inputs_[index];
    Outcome outcome;
    co_await io.compute([&] {
      outcome.digest = sha256_hex_streamed(data);
      outcome.bytes = data.size();
    });
    co_return outcome;
  }

  std::string verify(std::size_t index, const Outcome& outcome) const override {
    if (index >= inputs_.size()) return "no task " + std::to_string(index);
    if (outcome.status != Status::ok) return "expected ok, got " + describe_outcome(outcome);
    if (outcome.bytes != size_) {
      return "expected " + std::to_string(size_) + " bytes, got " + std::to_string(outcome.bytes);
    }
    const std::string expected = sha256_hex_oneshot(inputs_[index]);
    if (outcome.digest != expected) return "digest " + outcome.digest + ", expected " + expected;
    return {};
  }

  std::string result_text(std::size_t, const Outcome& outcome) const override {
    if (outcome.status != Status::ok) return describe_outcome(outcome);
    return outcome.digest.substr(0, 16);
  }

  std::uint64_t bytes() const override { return inputs_.total_bytes(); }

 private:
  static std::vector<std::size_t> buffer_sizes(const Params& params) {
    const std::int64_t jobs = params.integer("jobs");
    const std::int64_t size = params.integer("size");
    if (jobs < 0 || size < 0) throw std::invalid_argument("sha256: jobs and size cannot be negative");
    return std::vector<std::size_t>(static_cast<std::size_t>(jobs), static_cast<std::size_t>(size));
  }

  RandomBuffers inputs_;
  std::uint64_t size_ = 0;
};

}  // namespace

std::unique_ptr<Workload> make_sha256_workload(const Params& params, std::uint64_t seed, InputStore& store) {
  return std::make_unique<Sha256Workload>(params, seed, store);
}

}  // namespace concur
