// The gate's report as text (a terminal), markdown (a GitHub job summary) or JSON (other tools).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gate/gate_report.hpp"

namespace concur {

std::string report_text(const GateReport& report);
// A heading with the counts, one table row per benchmark (regressions first), the warnings as a quote.
std::string report_markdown(const GateReport& report);
nlohmann::json report_json(const GateReport& report);

// `format`: "text", "markdown" or "json"; throws std::invalid_argument otherwise.
std::string format_report(const GateReport& report, std::string_view format);

}  // namespace concur
