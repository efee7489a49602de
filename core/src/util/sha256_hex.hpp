// SHA-256 of a buffer through OpenSSL EVP, in the two ways concur uses: streamed (tasks) and one-shot (verification).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace concur {

// EVP_MD_CTX with DigestInit/Update/Final, fed in chunks; what a task runs.
// Throws std::runtime_error with OpenSSL's reason if a call fails.
std::string sha256_hex_streamed(std::span<const std::uint8_t> data);

// One EVP_Digest call: a separate code path, so verification does not share a
// mistake with the tasks it checks. Throws std::runtime_error.
std::string sha256_hex_oneshot(std::span<const std::uint8_t> data);

}  // namespace concur
