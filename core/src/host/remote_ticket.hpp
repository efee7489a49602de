// Remote tickets: what a worker on another host needs to rebuild a batch and seal its records (concur's side; the worker's is concur/remote.hpp).
#pragma once

#include <string>
#include <string_view>

namespace concur {

// The ticket for batches described by `description`: the description and this
// process's record key. Batch::remote_ticket() hands it to plugins, opaque.
std::string remote_ticket(std::string_view description);

}  // namespace concur
