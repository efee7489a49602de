// The 194 two-letter country codes of the flags experiments, shared by the flag server and the downloads workload.
#pragma once

#include <string>
#include <vector>

namespace concur {

// Upper-case ISO 3166-1 alpha-2 codes ("AD" .. "ZW"), sorted, always the same 194.
const std::vector<std::string>& country_codes();

}  // namespace concur
