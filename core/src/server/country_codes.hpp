// The 194 country codes of the flag set, as the original experiments used them.
#pragma once

#include <string>
#include <vector>

namespace concur {

// Upper case, sorted.
const std::vector<std::string>& country_codes();

}  // namespace concur
