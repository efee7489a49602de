// What one task produced: a small, serialisable value the harness verifies.
#pragma once

#include <cstdint>
#include <exception>
#include <string>

namespace concur {

enum class Status : std::uint8_t {
  ok,         // the task did its job; the harness still verifies the result
  not_found,  // the resource does not exist (HTTP 404): an expected answer, not a failure
  error,      // anything else: HTTP errors, connection errors, exceptions
};

inline const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::ok: return "ok";
    case Status::not_found: return "not_found";
    case Status::error: return "error";
  }
  return "?";
}

struct Outcome {
  Status status = Status::ok;
  std::uint64_t bytes = 0;  // payload bytes the task handled
  std::int64_t value = 0;   // a workload-defined scalar (loiter returns n * 10)
  std::string digest;       // lowercase hex digest of the result, when there is one
  std::string message;      // human-readable detail, mandatory for errors

  static Outcome error(std::string message) {
    Outcome o;
    o.status = Status::error;
    o.message = std::move(message);
    return o;
  }

  // Turns the exception being handled into an error outcome; call only inside a catch block
  // or unhandled_exception().
  static Outcome from_current_exception() noexcept {
    try {
      throw;
    } catch (const std::exception& e) {
      return error(e.what());
    } catch (...) {
      return error("unknown exception");
    }
  }
};

}  // namespace concur
