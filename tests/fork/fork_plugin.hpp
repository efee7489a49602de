// The fork plugin as the tests' main() loaded it, before any thread existed.
#pragma once

#include <filesystem>

#include "host/plugin_loader.hpp"

namespace concur_fork_test {

std::filesystem::path fork_plugin_path();

// Loaded once, first thing in main(); reset before main() returns.
concur::LoadedPlugin& fork_plugin();

}  // namespace concur_fork_test
