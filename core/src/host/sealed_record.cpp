#include "host/sealed_record.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "concur/host.hpp"

namespace concur {
namespace {

constexpr std::uint8_t format_version = 1;
constexpr std::size_t max_text_bytes = 64 * 1024;
constexpr std::size_t tag_bytes = 32;
using Key = std::array<std::uint8_t, 32>;

Key drawn_key() {
  Key k{};
  std::size_t got = 0;
  while (got < k.size()) {
    const ssize_t n = ::getrandom(k.data() + got, k.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "getrandom for the record key");
    got += static_cast<std::size_t>(n);
  }
  return k;
}

// Drawn in concur; in a remote worker, the one its ticket carried. The one
// mutable global here: every task source of the process seals with it.
std::optional<Key>& adopted_key() {
  static std::optional<Key> key;
  return key;
}

const Key& record_key() {
  if (const std::optional<Key>& adopted = adopted_key()) return *adopted;
  static const Key key = drawn_key();
  return key;
}

using Tag = std::array<std::uint8_t, tag_bytes>;

Tag tag_of(std::string_view bytes) {
  Tag tag{};
  unsigned int length = 0;
  const Key& key = record_key();
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(bytes.data()),
            bytes.size(), tag.data(), &length) ||
      length != tag.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return tag;
}

void cut(std::string& text) {
  static constexpr std::string_view mark = " [cut]";
  if (text.size() > max_text_bytes) {
    text.resize(max_text_bytes - mark.size());
    text += mark;
  }
}

void put(std::string& out, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put(std::string& out, std::string_view s) {
  put(out, s.size(), 4);
  out.append(s);
}

// Reads fields in order; any read past the end throws.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  std::uint64_t number(int width) {
    const std::string_view b = take(static_cast<std::size_t>(width));
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= std::uint64_t{static_cast<unsigned char>(b[static_cast<std::size_t>(i)])} << (8 * i);
    return v;
  }
  std::string text() { return std::string(take(static_cast<std::size_t>(number(4)))); }
  std::string_view take(std::size_t n) {
    if (n > rest_.size()) throw std::length_error("truncated");
    const std::string_view field = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return field;
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace

BatchId batch_id(std::string_view description) {
  BatchId id{};
  unsigned int length = 0;
  if (EVP_Digest(description.data(), description.size(), id.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != id.size()) {
    throw std::runtime_error("SHA-256 of the batch description failed");
  }
  return id;
}

void prepare_record_key() { record_key(); }

std::string record_key_bytes() {
  const Key& key = record_key();
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

void adopt_record_key(std::string_view bytes) {
  if (bytes.size() != sizeof(Key)) throw std::invalid_argument("a record key is " + std::to_string(sizeof(Key)) + " bytes");
  Key key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  adopted_key() = key;
}

std::string seal(RemoteRecord r, const BatchId& batch) {
  cut(r.outcome.digest);
  cut(r.outcome.message);
  std::string out;
  out.reserve(96 + r.outcome.digest.size() + r.outcome.message.size());
  out.push_back(static_cast<char>(format_version));
  out.append(reinterpret_cast<const char*>(batch.data()), batch.size());
  put(out, r.index, 8);
  put(out, r.worker, 4);
  put(out, static_cast<std::uint64_t>(r.start_ns), 8);
  put(out, static_cast<std::uint64_t>(r.end_ns), 8);
  put(out, static_cast<std::uint8_t>(r.outcome.status), 1);
  put(out, r.outcome.bytes, 8);
  put(out, static_cast<std::uint64_t>(r.outcome.value), 8);
  put(out, r.outcome.digest);
  put(out, r.outcome.message);
  const Tag tag = tag_of(out);
  out.append(reinterpret_cast<const char*>(tag.data()), tag.size());
  return out;
}

std::optional<RemoteRecord> unseal(std::string_view bytes, const BatchId& batch, std::string& why) {
  static constexpr const char* forged = "a record that no TaskSource sealed (forged or altered)";
  if (bytes.size() > max_record_bytes || bytes.size() < 1 + batch.size() + tag_bytes) {
    why = forged;
    return std::nullopt;
  }
  const std::string_view body = bytes.substr(0, bytes.size() - tag_bytes);
  const Tag tag = tag_of(body);
  if (CRYPTO_memcmp(tag.data(), bytes.data() + body.size(), tag.size()) != 0) {
    why = forged;
    return std::nullopt;
  }
  try {
    Reader in(body);
    if (in.number(1) != format_version) throw std::invalid_argument("version");
    if (in.take(batch.size()) != std::string_view(reinterpret_cast<const char*>(batch.data()), batch.size())) {
      why = "a record sealed for another batch (different workload, parameters or inputs)";
      return std::nullopt;
    }
    RemoteRecord r;
    const std::uint64_t index = in.number(8);
    if (index > std::numeric_limits<std::size_t>::max()) throw std::out_of_range("index");
    r.index = static_cast<std::size_t>(index);
    r.worker = static_cast<unsigned>(in.number(4));
    r.start_ns = static_cast<std::int64_t>(in.number(8));
    r.end_ns = static_cast<std::int64_t>(in.number(8));
    const auto status = static_cast<std::uint8_t>(in.number(1));
    if (status > static_cast<std::uint8_t>(Status::error)) throw std::out_of_range("status");
    r.outcome.status = static_cast<Status>(status);
    r.outcome.bytes = in.number(8);
    r.outcome.value = static_cast<std::int64_t>(in.number(8));
    r.outcome.digest = in.text();
    r.outcome.message = in.text();
    if (!in.done()) throw std::length_error("trailing bytes");
    return r;
  } catch (const std::exception& e) {
    // Sealed by us yet unreadable: a different concur build's format.
    why = std::string("a sealed record this concur cannot read (") + e.what() + ")";
    return std::nullopt;
  }
}

}  // namespace concur
