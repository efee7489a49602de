#include "workloads/sha256.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <vector>

#include "outcome_text.hpp"
#include "units.hpp"
#include "workloads/factories.hpp"
#include "workloads/random_data.hpp"

namespace concur {
namespace {

struct MdDeleter {
  void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using MdPtr = std::unique_ptr<EVP_MD, MdDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Large enough that per-call overhead vanishes, small enough that a task
// really streams (and crosses block boundaries mid-buffer).
constexpr std::size_t chunk_bytes = 64 * 1024;

[[noreturn]] void throw_openssl(const char* call) {
  std::string message = std::string(call) + " failed";
  if (const unsigned long code = ERR_get_error(); code != 0) {
    std::array<char, 256> reason{};
    ERR_error_string_n(code, reason.data(), reason.size());
    message += ": ";
    message += reason.data();
  }
  ERR_clear_error();
  throw std::runtime_error(message);
}

// Fetched once: OpenSSL 3's implicit fetch (EVP_sha256() in DigestInit) looks
// the algorithm up under a global lock on every call, which would show up as
// contention in exactly the multi-threaded runs this harness measures.
const EVP_MD* sha256_md() {
  static const MdPtr md{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  if (!md) throw_openssl("EVP_MD_fetch(SHA256)");
  return md.get();
}

class Sha256Workload final : public Workload {
 public:
  Sha256Workload(const Params& params, std::uint64_t seed, InputStore& store)
      : inputs_(store, "sha256", seed, buffer_sizes(params)), size_(static_cast<std::uint64_t>(params.integer("size"))) {
    sha256_md();  // fail at load time if OpenSSL cannot provide SHA-256
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

std::string sha256_hex_streamed(std::span<const std::uint8_t> data) {
  const MdCtxPtr ctx{EVP_MD_CTX_new()};
  if (!ctx) throw_openssl("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(ctx.get(), sha256_md(), nullptr) != 1) throw_openssl("EVP_DigestInit_ex");
  for (std::size_t offset = 0; offset < data.size(); offset += chunk_bytes) {
    const std::size_t n = std::min(chunk_bytes, data.size() - offset);
    if (EVP_DigestUpdate(ctx.get(), data.data() + offset, n) != 1) throw_openssl("EVP_DigestUpdate");
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md.data(), &length) != 1) throw_openssl("EVP_DigestFinal_ex");
  return to_hex(md.data(), length);
}

std::string sha256_hex_oneshot(std::span<const std::uint8_t> data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw_openssl("EVP_Digest");
  }
  return to_hex(md.data(), length);
}

std::unique_ptr<Workload> make_sha256_workload(const Params& params, std::uint64_t seed, InputStore& store) {
  return std::make_unique<Sha256Workload>(params, seed, store);
}

}  // namespace concur
