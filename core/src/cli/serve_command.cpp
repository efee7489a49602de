// `concur serve`: runs the flag server in the foreground until SIGINT or SIGTERM.
#include <iostream>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "cli/commands.hpp"
#include "server/faults.hpp"
#include "server/flag_server.hpp"
#include "util/units.hpp"

namespace concur::cli {

int serve_command(const ServeCommandOptions& options) {
  FlagServerOptions server;
  try {
    const std::optional<Profile> profile = parse_profile(options.profile);
    if (!profile) throw std::invalid_argument("--profile " + options.profile + ": local, delay or error expected");
    server.faults = profile_faults(*profile);
    server.port = options.port ? static_cast<std::uint16_t>(*options.port) : profile_port(*profile);
    server.address = options.bind;
    server.seed = options.seed;
    server.log_faults = options.log_faults;
    for (const auto& [name, text, duration] :
         {std::tuple{"--delay", &options.delay, &server.faults.delay},
          std::tuple{"--slow-time", &options.slow_time, &server.faults.slow},
          std::tuple{"--hang-time", &options.hang_time, &server.faults.hang}}) {
      if (!*text) continue;
      try {
        *duration = parse_duration(**text);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(name) + ": " + e.what());
      }
    }
    for (const auto& [kind, p] : {std::pair{FaultKind::error, options.error}, {FaultKind::blackout, options.blackout},
                                  {FaultKind::reset, options.reset}, {FaultKind::hang, options.hang},
                                  {FaultKind::slow, options.slow}, {FaultKind::truncate, options.truncate},
                                  {FaultKind::malformed, options.malformed}}) {
      if (p) server.faults[kind] = *p;
    }
    server.faults.validate();
  } catch (const std::invalid_argument& e) {
    print_error(e.what());
    return exit_usage;
  }

  try {
    FlagServer flag_server(std::move(server));
    // The one line a parent process waits for: flushed now, not at exit.
    std::cout << "serving " << options.profile << " flags on " << flag_server.url() << std::endl;
    flag_server.run_until_signal(options.stop_on_stdin_eof);
  } catch (const std::invalid_argument& e) {
    print_error(e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    // The address is taken or cannot be bound: not a usage error, the same
    // command may work later or elsewhere.
    print_error(e.what());
    return exit_case_failed;
  }
  return exit_ok;
}

}  // namespace concur::cli
