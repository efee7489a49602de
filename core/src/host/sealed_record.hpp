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
// the key; a remote worker gets it inside its ticket (remote_ticket.hpp),
// which a plugin carries unread. So a record a plugin builds itself, or one
// changed on the way, does not unseal. The digest and message
// are cut to 64 KiB each first, so a record fits in concur::max_record_bytes.
std::string seal(RemoteRecord record, const BatchId& batch);

// The record, when `bytes` is one that seal() made for `batch`; otherwise
// nullopt and `why` says what is wrong with it.
std::optional<RemoteRecord> unseal(std::string_view bytes, const BatchId& batch, std::string& why);

// Draws the key now if it is not drawn yet: call before forking processes that will seal.
void prepare_record_key();

// The key's bytes, for a ticket (remote_ticket.hpp) to carry to a worker
// that concur does not fork.
std::string record_key_bytes();
// In such a worker: seal with this key (record_key_bytes() of concur) from now on.
void adopt_record_key(std::string_view bytes);

}  // namespace concur
