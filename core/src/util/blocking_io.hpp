// BlockingIo: the Io handed to thread-per-task strategies; every operation blocks the calling thread.
#pragma once

#include <memory>

#include "concur/io.hpp"

namespace concur {

// Sleeps with std::this_thread::sleep_for, computes inline and fetches with a
// libcurl easy handle kept for the Io's lifetime (so connections are reused).
// curl_global_init must have run before the first one is made (the CLI does it).
std::unique_ptr<Io> make_blocking_io();

}  // namespace concur
