// Rc4: the RC4 stream cipher, written here because OpenSSL 3 only offers it through the legacy provider.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace concur {

// RC4 is broken as a cipher; it is here as a well-known, byte-at-a-time CPU
// load (the classic futures/process-pool experiment). Encryption and
// decryption are the same operation: XOR with the keystream.
class Rc4 {
 public:
  // Runs the key schedule. Throws std::invalid_argument unless the key has 1..256 bytes.
  explicit Rc4(std::span<const std::uint8_t> key);
  explicit Rc4(std::string_view key);

  // out[i] = in[i] ^ keystream; continues the stream where the previous call
  // stopped. `in` and `out` may be the same buffer.
  void apply(const std::uint8_t* in, std::uint8_t* out, std::size_t n) noexcept;

 private:
  // 32-bit entries (OpenSSL's RC4_INT choice): byte-wide table updates cost
  // partial-register merges; measured about 20% slower here.
  std::array<std::uint32_t, 256> s_{};
  std::uint32_t i_ = 0;
  std::uint32_t j_ = 0;
};

}  // namespace concur
