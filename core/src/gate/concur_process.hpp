// One whole `concur run` as a child process (this concur or another build), waited for: what calibrate and ab repeat.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace concur {

// The executable of this process (/proc/self/exe resolved), so that children run the very same build.
std::filesystem::path this_executable();

// Runs `executable` with `arguments` (argv[0] excluded) and waits. Its
// standard output goes to /dev/null when `quiet` (the run's tables are not
// what the caller reports), its standard error is ours, so its errors reach
// the user as they are. It runs in a process group of its own; SIGINT and
// SIGTERM sent to this process are passed on to it, so that it stops as
// `concur run` does and this process can clean up after it. Returns its exit
// status, or 128 + the signal that killed it. Throws std::runtime_error when
// it cannot be started.
int run_concur(const std::filesystem::path& executable, const std::vector<std::string>& arguments, bool quiet);

}  // namespace concur
