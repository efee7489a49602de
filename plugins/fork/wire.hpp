// The binary messages of the fork strategy: requests to the fork server, its replies, and what the pool and its workers say to each other.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "common/message_fields.hpp"

namespace concur_fork {

using concur_plugins::WireError;

// Every message is one type byte, then its fields in order: fixed-width
// little-endian integers, and strings as a u32 byte count followed by the bytes.
enum class MessageType : std::uint8_t {
  spawn = 1,  // pool -> server: description, worker (u32), lanes (u32); the claim board travels with it (SCM_RIGHTS)
  reap,       // pool -> server: pid (i32), kill first (u8)
  error,      // server -> pool: server CPU (i64), message
  spawned,    // server -> pool: server CPU (i64), pid (i32); the worker's socket travels with it (SCM_RIGHTS)
  reaped,     // server -> pool: server CPU (i64), wait status (i32), the worker's user + system CPU (i64)
  ready,      // worker -> pool: its CPU so far (i64); its batch is open and its Io made
  failed,     // worker -> pool: why it cannot go on (start-up or a task it cannot run); it exits
  go,         // pool -> worker: a batch is on the claim board; claim its tasks until none is left
  result,     // worker -> pool: index (u64), its CPU so far (i64), the task's sealed record
  idle,       // worker -> pool: its CPU so far (i64); it found no task left to claim
};

// Fork a worker that opens the batch `description` and runs its tasks as lane
// `worker` of a pool of `lanes`, claiming them from the claim board.
struct SpawnRequest {
  std::string description;
  std::uint32_t worker = 0;
  std::uint32_t lanes = 0;
};
// Wait for worker `pid` and report how it ended; with `kill`, SIGKILL it first.
// The server does both: it is the worker's parent, so until it reaps the
// worker, the pid cannot belong to anyone else.
struct ReapRequest {
  pid_t pid = 0;
  bool kill = false;
};
using Request = std::variant<SpawnRequest, ReapRequest>;

struct ErrorReply {
  std::string message;
};
struct SpawnedReply {
  pid_t pid = 0;
};
struct ReapedReply {
  int status = 0;             // as wait4() returned it
  std::int64_t cpu_ns = 0;    // the worker's whole user + system CPU time
};
// Every reply also carries the server's own CPU time so far (user + system):
// the pool counts the server's work for a batch (forks, reaps) from it.
struct Reply {
  std::int64_t server_cpu_ns = 0;
  std::variant<ErrorReply, SpawnedReply, ReapedReply> body;
};

struct GoMessage {};

struct ReadyMessage {
  std::int64_t cpu_ns = 0;
};
struct FailedMessage {
  std::string message;
};
struct ResultMessage {
  std::uint64_t index = 0;
  std::int64_t cpu_ns = 0;
  std::string record;  // sealed by the harness's TaskSource; passed on unread
};
struct IdleMessage {
  std::int64_t cpu_ns = 0;
};
using WorkerMessage = std::variant<ReadyMessage, FailedMessage, ResultMessage, IdleMessage>;

std::string encode(const SpawnRequest& m);
std::string encode(const ReapRequest& m);
std::string encode(const Reply& m);
std::string encode(const GoMessage& m);
std::string encode(const ReadyMessage& m);
std::string encode(const FailedMessage& m);
std::string encode(const ResultMessage& m);
std::string encode(const IdleMessage& m);

// Each throws WireError when `bytes` is not exactly one message of the kind expected.
Request decode_request(std::string_view bytes);
Reply decode_reply(std::string_view bytes);
GoMessage decode_go(std::string_view bytes);
WorkerMessage decode_worker_message(std::string_view bytes);

}  // namespace concur_fork
