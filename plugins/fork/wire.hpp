// The binary messages of the fork strategy: requests to the fork server, its replies, and tasks and results between the pool and its workers.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include "concur/host.hpp"

namespace concur_fork {

// A message that does not decode: wrong type, a length running past the end,
// an invalid value, or bytes left over. Never an overrun.
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every message is one type byte, then its fields in order: fixed-width
// little-endian integers, and strings as a u32 byte count followed by the bytes.
enum class MessageType : std::uint8_t {
  prepare = 1,  // pool -> server: description
  spawn,        // pool -> server: description, worker (u32)
  reap,         // pool -> server: pid (i32)
  ok,           // server -> pool: nothing
  error,        // server -> pool: message
  spawned,      // server -> pool: pid (i32); the worker's socket travels with it (SCM_RIGHTS)
  reaped,       // server -> pool: wait status (i32), user + system CPU nanoseconds (i64)
  task,         // pool -> worker: index (u64)
  result,       // worker -> pool: index (u64), worker (u32), start_ns, end_ns (i64), status (u8),
                //                 bytes (u64), value (i64), digest, message
};

// Open the batch `description` in the server so that a later spawn finds its inputs built.
struct PrepareRequest {
  std::string description;
};
// Fork a worker for the batch `description`, running tasks as lane `worker`.
struct SpawnRequest {
  std::string description;
  std::uint32_t worker = 0;
};
// Wait for worker `pid` (already finished or killed) and report how it ended.
struct ReapRequest {
  pid_t pid = 0;
};
using Request = std::variant<PrepareRequest, SpawnRequest, ReapRequest>;

struct OkReply {};
struct ErrorReply {
  std::string message;
};
struct SpawnedReply {
  pid_t pid = 0;
};
struct ReapedReply {
  int status = 0;             // as wait4() returned it
  std::int64_t cpu_ns = 0;    // the worker's user + system CPU time
};
using Reply = std::variant<OkReply, ErrorReply, SpawnedReply, ReapedReply>;

struct TaskMessage {
  std::uint64_t index = 0;
};

std::string encode(const PrepareRequest& m);
std::string encode(const SpawnRequest& m);
std::string encode(const ReapRequest& m);
std::string encode(const OkReply& m);
std::string encode(const ErrorReply& m);
std::string encode(const SpawnedReply& m);
std::string encode(const ReapedReply& m);
std::string encode(const TaskMessage& m);
std::string encode(const concur::TaskReport& m);

// Each throws WireError when `bytes` is not exactly one message of the kind expected.
Request decode_request(std::string_view bytes);
Reply decode_reply(std::string_view bytes);
TaskMessage decode_task(std::string_view bytes);
concur::TaskReport decode_result(std::string_view bytes);

}  // namespace concur_fork
