#include "workloads/rc4.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/outcome_text.hpp"
#include "util/units.hpp"
#include "workloads/factories.hpp"
#include "workloads/random_data.hpp"

namespace concur {

Rc4::Rc4(std::span<const std::uint8_t> key) {
  if (key.empty() || key.size() > s_.size()) {
    throw std::invalid_argument("an RC4 key has 1 to 256 bytes, got " + std::to_string(key.size()));
  }
  std::iota(s_.begin(), s_.end(), 0u);
  std::uint32_t j = 0;
  for (std::size_t i = 0; i < s_.size(); ++i) {
    j = (j + s_[i] + key[i % key.size()]) & 0xff;
    std::swap(s_[i], s_[j]);
  }
}

Rc4::Rc4(std::string_view key)
    : Rc4(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(key.data()), key.size())) {}

void Rc4::apply(const std::uint8_t* in, std::uint8_t* out, std::size_t n) noexcept {
  // Indexes and table pointer live in locals: as members, every store to
  // `out` (which may alias *this, as far as the compiler knows) forces them
  // back to memory; that alone cost a third of the throughput.
  std::uint32_t i = i_;
  std::uint32_t j = j_;
  std::uint32_t* const s = s_.data();
  const auto next = [&]() noexcept -> std::uint64_t {
    i = (i + 1) & 0xff;
    const std::uint32_t si = s[i];
    j = (j + si) & 0xff;
    const std::uint32_t sj = s[j];
    s[i] = sj;
    s[j] = si;
    return s[(si + sj) & 0xff];
  };
  // Eight keystream bytes are gathered into one word and XORed with one
  // 8-byte load and store: byte stores interleaved with the table reads and
  // writes made the plain loop about 1.4x slower.
  std::size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    // Spelled out: GCC at -O2 keeps a loop here, and that cost a fifth.
    std::uint64_t keystream = next();
    keystream |= next() << 8;
    keystream |= next() << 16;
    keystream |= next() << 24;
    keystream |= next() << 32;
    keystream |= next() << 40;
    keystream |= next() << 48;
    keystream |= next() << 56;
    if constexpr (std::endian::native == std::endian::big) keystream = __builtin_bswap64(keystream);
    std::uint64_t word = 0;
    std::memcpy(&word, in + k, sizeof word);
    word ^= keystream;
    std::memcpy(out + k, &word, sizeof word);
  }
  for (; k < n; ++k) out[k] = static_cast<std::uint8_t>(in[k] ^ next());
  i_ = i;
  j_ = j;
}

namespace {

constexpr std::size_t digest_bytes = 16;

// Stands for the whole ciphertext in the outcome at memory speed, so it costs
// next to nothing next to the byte-at-a-time cipher it summarises.
std::uint64_t xor_fold(const std::uint8_t* data, std::size_t n) {
  std::uint64_t fold = 0;
  std::size_t k = 0;
  for (; k + sizeof(std::uint64_t) <= n; k += sizeof(std::uint64_t)) {
    std::uint64_t word = 0;
    std::memcpy(&word, data + k, sizeof word);
    fold ^= word;
  }
  if (k < n) {
    std::uint64_t tail = 0;
    std::memcpy(&tail, data + k, n - k);
    fold ^= tail;
  }
  return fold;
}

// Everything one task does, and all of it CPU work: it runs inside io.compute.
Outcome encrypt_and_decrypt(std::string_view key, std::span<const std::uint8_t> plain) {
  const std::size_t n = plain.size();
  // Output buffers belong to the task, as in the original experiment; not
  // zero-filling them keeps memset out of the measurement.
  const auto cipher = std::make_unique_for_overwrite<std::uint8_t[]>(n);
  const auto decrypted = std::make_unique_for_overwrite<std::uint8_t[]>(n);
  Rc4(key).apply(plain.data(), cipher.get(), n);
  Rc4(key).apply(cipher.get(), decrypted.get(), n);
  if (n > 0 && std::memcmp(plain.data(), decrypted.get(), n) != 0) {
    const auto at = std::mismatch(plain.begin(), plain.end(), decrypted.get()).first;
    return Outcome::error("round trip mismatch at byte " + std::to_string(at - plain.begin()));
  }
  Outcome outcome;
  outcome.bytes = n;
  outcome.digest = to_hex(cipher.get(), std::min(n, digest_bytes));
  outcome.value = static_cast<std::int64_t>(xor_fold(cipher.get(), n));
  return outcome;
}

class Rc4Workload final : public Workload {
 public:
  Rc4Workload(const Params& params, std::uint64_t seed, InputStore& store)
      : key_(params.text("key")), inputs_(store, "rc4", seed, rc4_job_sizes(params)) {
    [[maybe_unused]] const Rc4 key_check(key_);  // a bad key fails here, at load time, not in every task
  }

  std::size_t size() const override { return inputs_.size(); }

  std::string label(std::size_t index) const override { return "rc4(" + std::to_string(index) + ")"; }

  std::string start_message(std::size_t index) const override {
    return "encrypting and decrypting " + format_size(inputs_[index].size()) + "...";
  }

  Task run(std::size_t index, Io& io) const override {
    const std::span<const std::uint8_t> plain = inputs_[index];
    Outcome outcome;
    co_await io.compute([&] { outcome = encrypt_and_decrypt(key_, plain); });
    co_return outcome;
  }

  std::string verify(std::size_t index, const Outcome& outcome) const override {
    if (index >= inputs_.size()) return "no task " + std::to_string(index);
    if (outcome.status != Status::ok) return "expected ok, got " + describe_outcome(outcome);
    const std::span<const std::uint8_t> plain = inputs_[index];
    const std::size_t n = plain.size();
    if (outcome.bytes != n) {
      return "expected " + std::to_string(n) + " bytes, got " + std::to_string(outcome.bytes);
    }
    std::vector<std::uint8_t> cipher(n);
    Rc4(key_).apply(plain.data(), cipher.data(), n);
    // Below 16 bytes a keystream of zeros is plausible by chance; above, equal
    // buffers mean the cipher did nothing.
    if (n >= digest_bytes && std::equal(cipher.begin(), cipher.end(), plain.begin())) {
      return "the ciphertext equals the plaintext";
    }
    const std::string digest = to_hex(cipher.data(), std::min(n, digest_bytes));
    if (outcome.digest != digest) return "ciphertext starts " + outcome.digest + ", expected " + digest;
    const auto fold = static_cast<std::int64_t>(xor_fold(cipher.data(), n));
    if (outcome.value != fold) {
      return "ciphertext fold " + std::to_string(outcome.value) + ", expected " + std::to_string(fold);
    }
    return {};
  }

  std::string result_text(std::size_t, const Outcome& outcome) const override {
    if (outcome.status != Status::ok) return describe_outcome(outcome);
    return outcome.digest.substr(0, 16);
  }

  std::uint64_t bytes() const override { return inputs_.total_bytes(); }

 private:
  std::string key_;
  RandomBuffers inputs_;
};

}  // namespace

std::vector<std::size_t> rc4_job_sizes(const Params& params) {
  const std::int64_t jobs = params.integer("jobs");
  const std::int64_t size = params.integer("size");
  const std::int64_t spread = params.integer("spread");
  if (jobs < 0 || size < 0 || spread < 0) throw std::invalid_argument("rc4: jobs, size and spread cannot be negative");
  std::vector<std::size_t> sizes;
  sizes.reserve(static_cast<std::size_t>(jobs));
  // Job k counts down i = jobs..1 so the biggest buffers start first, as in the experiment.
  for (std::int64_t k = 0; k < jobs; ++k) {
    const std::int64_t i = jobs - k;
    sizes.push_back(static_cast<std::size_t>(spread > 0 ? size + size * (i - spread / 2) / spread : size));
  }
  return sizes;
}

std::unique_ptr<Workload> make_rc4_workload(const Params& params, std::uint64_t seed, InputStore& store) {
  return std::make_unique<Rc4Workload>(params, seed, store);
}

}  // namespace concur
