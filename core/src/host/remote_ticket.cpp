#include "host/remote_ticket.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "concur/remote.hpp"
#include "host/sealed_record.hpp"
#include "host/task_source.hpp"
#include "util/unique_fd.hpp"
#include "workloads/shared_inputs.hpp"

namespace concur {
namespace {

using nlohmann::json;

constexpr int ticket_format = 1;

std::string hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  char two[3];
  for (const char c : bytes) {
    std::snprintf(two, sizeof two, "%02x", static_cast<unsigned char>(c));
    out.append(two, 2);
  }
  return out;
}

std::string unhex(const std::string& text) {
  if (text.size() % 2 != 0) throw std::invalid_argument("odd-length hex");
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) out.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
  return out;
}

// The kernel's id of this boot: processes that see the same one run on one host.
std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  in >> id;
  return id;
}

// concur's inputs file, opened again through /proc when this process runs on
// concur's host and may (the same user, or root); closed otherwise.
UniqueFd reopen_inputs(const json& ticket, const InputPlacement& placement) {
  if (ticket.at("boot_id").get<std::string>() != boot_id()) return {};
  const std::string path =
      "/proc/" + std::to_string(ticket.at("pid").get<long>()) + "/fd/" + std::to_string(placement.fd);
  return UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
}

}  // namespace

std::string remote_ticket(std::string_view description) {
  return json{{"ticket", ticket_format},
              {"key", hex(record_key_bytes())},
              {"pid", ::getpid()},
              {"boot_id", boot_id()},
              {"description", description}}
      .dump();
}

std::unique_ptr<TaskSource> open_remote(std::string_view ticket, std::int64_t clock_offset_ns, std::string& error) noexcept {
  try {
    const json doc = json::parse(ticket);
    if (doc.at("ticket").get<int>() != ticket_format) {
      error = "a ticket of format " + doc.at("ticket").dump() + " from another concur build; this one reads format " +
              std::to_string(ticket_format);
      return nullptr;
    }
    // Downloads fetch with libcurl, which must be set up once before any handle.
    static std::once_flag curl_ready;
    std::call_once(curl_ready, [] {
      if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    });
    adopt_record_key(unhex(doc.at("key").get<std::string>()));
    const std::string description = doc.at("description").get<std::string>();
    // On concur's host the inputs are mapped from concur's copy, as a forked
    // worker's are; elsewhere they are made again.
    if (std::optional<InputPlacement> placement = input_placement(description)) {
      if (const UniqueFd reopened = reopen_inputs(doc, *placement)) {
        placement->fd = reopened.get();
        MappedInputStore inputs(placement, true);
        return rebuild_tasks(description, inputs, clock_offset_ns);  // the mapping outlives the fd
      }
    }
    PrivateInputStore inputs;
    return rebuild_tasks(description, inputs, clock_offset_ns);
  } catch (const std::exception& e) {
    error = std::string("cannot rebuild the batch from its ticket: ") + e.what();
    return nullptr;
  }
}

}  // namespace concur
