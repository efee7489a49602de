// SpawnSetup: posix_spawn's file actions and attributes, destroyed however the caller leaves.
#pragma once

#include <signal.h>
#include <spawn.h>

namespace concur {

struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  // Whatever the parent blocks or ignores (a supervisor blocks SIGINT and
  // SIGTERM while it watches them), the child starts with every signal
  // deliverable and SIGINT, SIGTERM and SIGPIPE at their defaults. `flags`:
  // more POSIX_SPAWN_* flags to set along.
  void fresh_signals(short flags = 0) {
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (const int s : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, static_cast<short>(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | flags));
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace concur
