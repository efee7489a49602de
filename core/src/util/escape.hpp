// Text made safe for one line of a message: control characters escaped.
#pragma once

#include <string>
#include <string_view>

namespace concur {

// \n, \r and \t as such, other control characters as \xHH; with `quotes`, also
// '"' and '\' escaped, so a quoted value reads unambiguously.
std::string escape_controls(std::string_view text, bool quotes = false);

}  // namespace concur
