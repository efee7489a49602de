// Sealed records: a task's record as measured by harness code in another process, in bytes only that code can make.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "concur/outcome.hpp"

namespace concur {

// Names the tasks a record belongs to: the SHA-256 of the batch description.
using BatchId = std::array<std::uint8_t, 32>;
BatchId batch_id(std::string_view description);

// One task as a TaskSource measured it; times are steady_clock nanoseconds.
struct RemoteRecord {
  std::size_t index = 0;
  unsigned worker = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  Outcome outcome;
};

// The record as bytes with an HMAC-SHA256 over them, keyed by a secret drawn
// when this process first asks for it. Processes forked from concur inherit
// the key; a plugin never sees it through the SDK, so a record it builds
// itself, or one changed on the way, does not unseal. The digest and message
// are cut to 64 KiB each first, so a record fits in concur::max_record_bytes.
std::string seal(RemoteRecord record, const BatchId& batch);

// The record, when `bytes` is one that seal() made for `batch`; otherwise
// nullopt and `why` says what is wrong with it.
std::optional<RemoteRecord> unseal(std::string_view bytes, const BatchId& batch, std::string& why);

// Draws the key now if it is not drawn yet: call before forking processes that will seal.
void prepare_record_key();

}  // namespace concur
