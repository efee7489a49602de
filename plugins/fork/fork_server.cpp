// ForkServer: forking the server at plugin creation, synchronous requests over its control socket, and reaping it.
#include "fork_server.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <thread>
#include <variant>

#include "channel.hpp"
#include "limits.hpp"
#include "server_process.hpp"
#include "wire.hpp"

namespace concur_fork {

struct ForkServer::Answer {
  Reply reply;
  UniqueFd fd;
};

ForkServer::ForkServer(const concur::Host& host) {
  auto [concur_end, server_end] = socket_pair();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "cannot fork the fork server");
  if (pid == 0) {
    concur_end.reset();
    run_fork_server(host, std::move(server_end), parent);
  }
  pid_ = pid;
  control_ = std::move(concur_end);
}

ForkServer::~ForkServer() {
  control_.reset();  // the server reads end-of-file and exits
  // It is idle between requests, so it exits at once; a server stuck anyway
  // (a request cut short by an exception) is killed after a grace period
  // rather than hanging concur's exit.
  int status = 0;
  for (int waited_ms = 0; waited_ms < 2000; ++waited_ms) {
    const pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == pid_ || (got < 0 && errno != EINTR)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

ForkServer::Answer ForkServer::request(const std::string& message, int fd) {
  if (!lost_.empty()) throw ServerLost(lost_);
  try {
    send_message(control_.get(), message, fd);
    Received received = receive_message(control_.get(), max_reply_bytes);
    if (received.eof) throw ChannelError("it closed its socket");
    Answer answer{decode_reply(received.bytes), std::move(received.fd)};
    cpu_seen_ns_ = answer.reply.server_cpu_ns;
    if (const auto* error = std::get_if<ErrorReply>(&answer.reply.body)) throw ServerRefused(error->message);
    return answer;
  } catch (const ServerRefused&) {
    throw;
  } catch (const std::exception& e) {
    lose(e.what());
  }
}

void ForkServer::lose(const std::string& why) {
  // The requests and replies are no longer in step (or there is no server):
  // nothing later on this socket can be trusted.
  lost_ = "the fork server (pid " + std::to_string(pid_) + ") is gone: " + why;
  control_.reset();
  throw ServerLost(lost_);
}

SpawnedWorker ForkServer::spawn(std::string_view description, unsigned worker, unsigned lanes, int board_fd) {
  Answer answer = request(encode(SpawnRequest{std::string(description), worker, lanes}), board_fd);
  const auto* spawned = std::get_if<SpawnedReply>(&answer.reply.body);
  if (!spawned || !answer.fd) lose("it answered a spawn request without a worker socket");
  return {spawned->pid, std::move(answer.fd)};
}

ReapedWorker ForkServer::reap(pid_t worker, bool kill) {
  const Answer answer = request(encode(ReapRequest{worker, kill}));
  const auto* reaped = std::get_if<ReapedReply>(&answer.reply.body);
  if (!reaped) lose("it answered a reap request with another reply");
  return {reaped->status, static_cast<double>(reaped->cpu_ns) / 1e9};
}

double ForkServer::take_cpu_seconds() noexcept {
  const std::int64_t spent = cpu_seen_ns_ - cpu_taken_ns_;
  cpu_taken_ns_ = cpu_seen_ns_;
  return static_cast<double>(spent) / 1e9;
}

}  // namespace concur_fork
