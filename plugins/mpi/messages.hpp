// The mpi strategy's messages: between the plugin and rank 0 (over mpirun's stdin and stdout), and between rank 0 and the worker ranks (over MPI).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/message_fields.hpp"

namespace concur_mpi {

using concur_plugins::WireError;

enum class MessageType : std::uint8_t {
  open = 1,  // plugin -> rank 0 -> workers: the batch's ticket, concur's boot id, rank 0's clock offset
  ping,      // rank 0 -> plugin, worker -> rank 0: what is your clock, on concur's time?
  clock,     // the reply: that clock (i64 ns)
  ready,     // worker -> rank 0: pid, host, CPU so far; rank 0 -> plugin: every worker's, and its own CPU
  run,       // plugin -> rank 0: the batch's indexes to run, as ranges
  task,      // rank 0 -> worker: run this index
  started,   // rank 0 -> plugin: index handed to lane
  result,    // worker -> rank 0 -> plugin: index, lane, the worker's CPU so far, its end, the sealed record
  done,      // rank 0 -> plugin: every index of the run has its result; rank 0's CPU so far
  stop,      // plugin -> rank 0 -> workers: finish and exit
  failed,    // any rank -> plugin: why it cannot go on
};

struct OpenMessage {
  std::string ticket;          // Batch::remote_ticket(): carries the record key
  std::string concur_boot_id;  // a rank whose host has it shares concur's CLOCK_MONOTONIC
  std::int64_t clock_offset_ns = 0;  // rank 0's, set by rank 0 before it passes the message on
};
struct PingMessage {};
struct ClockMessage {
  std::int64_t ns = 0;
};
struct RankInfo {
  std::int32_t pid = 0;
  std::string host;
};
struct ReadyMessage {
  std::int64_t cpu_ns = 0;       // the sender's CPU so far (rank 0's, in rank 0's message)
  std::vector<RankInfo> ranks;   // worker -> rank 0: itself; rank 0 -> plugin: each worker, by lane
  std::vector<std::int64_t> worker_cpu_ns;  // rank 0 -> plugin: each worker's CPU so far, by lane
};
struct RunMessage {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;  // [first, last) each
};
struct TaskMessage {
  std::uint64_t index = 0;
};
struct StartedMessage {
  std::uint64_t index = 0;
  std::uint32_t lane = 0;
};
struct ResultMessage {
  std::uint64_t index = 0;
  std::uint32_t lane = 0;
  std::int64_t cpu_ns = 0;
  std::int64_t end_ns = 0;  // when the task ended, on concur's clock: results are passed on in this order
  std::string record;       // sealed by concur's code in the worker; passed on unread
};
struct DoneMessage {
  std::int64_t cpu_ns = 0;
};
struct StopMessage {};
struct FailedMessage {
  std::string message;
};

using Message = std::variant<OpenMessage, PingMessage, ClockMessage, ReadyMessage, RunMessage, TaskMessage,
                             StartedMessage, ResultMessage, DoneMessage, StopMessage, FailedMessage>;

// One message as bytes, its type first.
std::string encode(const Message& m);
// Throws WireError when `bytes` is not exactly one message.
Message decode(std::string_view bytes);

// On a byte stream (mpirun's stdin and stdout), each message goes as a u32
// length, then the bytes.
std::string frame(const Message& m);

// The bytes read so far off such a stream, and the whole messages in them.
class FrameBuffer {
 public:
  // Messages above `max_bytes` mean the stream is not the rank program's.
  explicit FrameBuffer(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  void append(const char* data, std::size_t size);
  // Takes the next whole message, if one has arrived. Throws WireError when
  // the bytes are not messages.
  bool next(Message& out);
  // What is left unread, for an error message.
  std::string_view unread() const { return std::string_view(bytes_).substr(read_); }

 private:
  std::size_t max_bytes_;
  std::string bytes_;
  std::size_t read_ = 0;  // bytes_ before this are taken
};

}  // namespace concur_mpi
