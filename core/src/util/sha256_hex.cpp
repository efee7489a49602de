#include "util/sha256_hex.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include "util/outcome_text.hpp"

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

}  // namespace concur
